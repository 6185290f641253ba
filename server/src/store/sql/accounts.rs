// People, roles, sessions and password resets. Included into both the SQLite and the PostgreSQL module (see ../mod.rs).

fn user_from(r: &DbRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        password_hash: r.try_get("password_hash")?,
        org_id: r.try_get("org_id")?,
        membership_active: r.try_get("membership_active")?,
        is_org_admin: r.try_get("is_org_admin")?,
        privacy_accepted_at: r.try_get("privacy_accepted_at")?,
        created_at: r.try_get("created_at")?,
    })
}

async fn insert_user(tx: &mut Tx<'_>, u: &UserRecord) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, org_id, membership_active, is_org_admin, privacy_accepted_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(u.id)
    .bind(&u.email)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(u.org_id)
    .bind(u.membership_active)
    .bind(u.is_org_admin)
    .bind(micros(u.privacy_accepted_at))
    .bind(micros(u.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const USER_COLS: &str = "id, email, display_name, password_hash, org_id, membership_active, is_org_admin, privacy_accepted_at, created_at";

#[async_trait]
impl AccountStore for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn create_user(
        &self,
        user: &UserRecord,
        roles: &[Role],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let user = user.clone();
        let roles = roles.to_vec();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_user(tx, &user).await.map_err(map_err)?;
                insert_roles(tx, user.id, &roles, user.created_at)
                    .await
                    .map_err(map_err)
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn get_user(&self, id: Uuid) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        row.as_ref().map(user_from).transpose().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn user_roles(&self, id: Uuid) -> StoreResult<Vec<Role>> {
        self.roles_of(id).await.map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn list_users(&self) -> StoreResult<Vec<(UserRecord, Vec<Role>, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.org_id, u.membership_active, u.is_org_admin, \
             u.privacy_accepted_at, u.created_at, o.name AS org_name FROM users u LEFT JOIN organizations o ON o.id = u.org_id \
             ORDER BY u.created_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let mut roles = self.roles_where("", None).await.map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let u = user_from(r).map_err(map_err)?;
            let org: Option<String> = r.try_get("org_name").map_err(map_err)?;
            let list = roles.remove(&u.id).unwrap_or_default();
            out.push((u, roles_from(list), org));
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn grant_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                insert_roles(tx, user_id, &[role], at)
                    .await
                    .map_err(map_err)?;
                if role == Role::Expert {
                    queue_search(tx, "expert", &user_id.to_string(), at)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_role(&self, user_id: Uuid, role: Role, audit: &AuditEvent) -> StoreResult<()> {
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
                    .bind(user_id)
                    .bind(role.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if role == Role::Expert {
                    queue_search(tx, "expert", &user_id.to_string(), at)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn set_password(&self, user_id: Uuid, hash: &str, audit: &AuditEvent) -> StoreResult<()> {
        let hash = hash.to_string();
        let at = audit.at;
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(&hash)
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                // A new password cancels every reset link still out.
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(micros(at))
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: Uuid,
        kind: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(kind)
            .bind(micros(now))
            .bind(micros(expires_at))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        // Expired sessions are swept as new ones are made, so the table cannot grow without end.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.password_hash, u.org_id, u.membership_active, u.is_org_admin, \
             u.privacy_accepted_at, u.created_at, s.expires_at AS session_expires FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(r) = row else { return Ok(None) };
        let user = user_from(&r).map_err(map_err)?;
        let expires_at = r.try_get("session_expires").map_err(map_err)?;
        let roles = self.roles_of(user.id).await.map_err(map_err)?;
        Ok(Some(SessionRecord {
            user,
            roles,
            expires_at,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn create_password_reset(
        &self,
        user_id: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        email: &EmailRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let token_hash = token_hash.to_string();
        let email = email.clone();
        self.audited(audit, move |tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(&token_hash)
                    .bind(user_id)
                    .bind(micros(expires_at))
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query("INSERT INTO email_outbox (id, to_email, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(email.id)
                    .bind(&email.to_email)
                    .bind(&email.subject)
                    .bind(&email.body)
                    .bind(micros(email.created_at))
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        sqlx::query("SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(token_hash)
            .bind(micros(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .map(|r| r.try_get("user_id"))
            .transpose()
            .map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        new_hash: &str,
    ) -> StoreResult<Option<Uuid>> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        // The update is the first statement so SQLite takes its write lock before reading.
        let row = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
            .bind(micros(now))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let user_id: Uuid = row.try_get("user_id").map_err(map_err)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(new_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        // One link used cancels the others.
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(micros(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let ev = AuditEvent {
            actor_id: Some(user_id),
            entity_type: "user",
            entity_id: user_id.to_string(),
            action: "reset_password".into(),
            from_state: None,
            to_state: None,
            reason: None,
            at: now,
        };
        append_audit(&mut tx, &ev).await.map_err(map_err)?;
        tx.commit().await.map_err(map_err)?;
        Ok(Some(user_id))
    }

    #[tracing::instrument(skip_all)]
    async fn unsent_emails(&self, limit: i64) -> StoreResult<Vec<EmailRecord>> {
        let rows = sqlx::query("SELECT id, to_email, subject, body, created_at FROM email_outbox WHERE sent_at IS NULL ORDER BY created_at, id LIMIT $1")
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(email_row).collect::<Result<_, sqlx::Error>>().map_err(map_err)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_sent(&self, id: Uuid, at: DateTime<Utc>, body: &str) -> StoreResult<()> {
        sqlx::query("UPDATE email_outbox SET sent_at = $1, body = $2 WHERE id = $3 AND sent_at IS NULL")
            .bind(micros(at))
            .bind(body)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn list_emails(&self, to_email: &str) -> StoreResult<Vec<EmailRecord>> {
        let rows = sqlx::query("SELECT id, to_email, subject, body, created_at FROM email_outbox WHERE to_email = $1 ORDER BY created_at")
            .bind(to_email)
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.iter().map(email_row).collect::<Result<_, sqlx::Error>>().map_err(map_err)
    }
}

/// One row of `email_outbox` (id, to_email, subject, body, created_at).
fn email_row(r: &DbRow) -> Result<EmailRecord, sqlx::Error> {
    Ok(EmailRecord {
        id: r.try_get("id")?,
        to_email: r.try_get("to_email")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
    })
}
