// Echoes of forms posted without JavaScript. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

#[async_trait]
impl FormEchoStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn save_form_echo(
        &self,
        echo: &FormEchoRow,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query("DELETE FROM form_echoes WHERE created_at < $1")
            .bind(micros(expired_before))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query(
            "INSERT INTO form_echoes (token_hash, browser_hash, path, error, form_values, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&echo.token_hash)
        .bind(&echo.browser_hash)
        .bind(&echo.path)
        .bind(&echo.error)
        .bind(&echo.values)
        .bind(micros(echo.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn form_echo(&self, token_hash: &str) -> StoreResult<Option<FormEchoRow>> {
        let row = sqlx::query(
            "SELECT token_hash, browser_hash, path, error, form_values, created_at \
             FROM form_echoes WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        row.map(|r| -> Result<_, sqlx::Error> {
            Ok(FormEchoRow {
                token_hash: r.try_get("token_hash")?,
                browser_hash: r.try_get("browser_hash")?,
                path: r.try_get("path")?,
                error: r.try_get("error")?,
                values: r.try_get("form_values")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
        .map_err(map_err)
    }
}
