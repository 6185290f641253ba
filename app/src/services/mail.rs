//! The e-mail outbox's way out: mails are handed to a [`Mailer`] in the order they were written,
//! and once one is sent the copy kept in the outbox loses its secrets (a reset link's token), so
//! reading the table later gives nobody a usable link.
use super::*;
use crate::ports::Mailer;

/// Most mails handed over per run.
const BATCH: i64 = 100;

/// Sends what the outbox holds; returns how many were sent. A mail the mailer refuses stays
/// for the next run.
pub async fn deliver_emails(state: &AppState, mailer: &dyn Mailer) -> Result<usize, AppError> {
    let mails = state.store.unsent_emails(BATCH).await.map_err(internal)?;
    let mut sent = 0;
    for mail in mails {
        if let Err(e) = mailer.send(&mail).await {
            tracing::warn!(error = %e, "a mail could not be sent; it stays in the outbox");
            continue;
        }
        state
            .store
            .mark_email_sent(mail.id, state.clock.now(), &without_secrets(&mail.body))
            .await
            .map_err(internal)?;
        sent += 1;
    }
    Ok(sent)
}

/// The mail as the outbox keeps it once sent: every `token=` value replaced.
pub fn without_secrets(body: &str) -> String {
    const MARK: &str = "token=";
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i + MARK.len()]);
        rest = &rest[i + MARK.len()..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '&' || c == '"' || c == '<')
            .unwrap_or(rest.len());
        if end > 0 {
            out.push_str("[已发送/sent]");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_mails_keep_no_token() {
        let body = "请打开：\nhttps://x.cn/reset-password?token=ab12cd&x=1\nOpen:\nhttps://x.cn/reset-password?token=ab12cd\n";
        let kept = without_secrets(body);
        assert!(!kept.contains("ab12cd"), "{kept}");
        assert!(kept.contains("reset-password?token=[已发送/sent]&x=1"));
        assert_eq!(without_secrets("no links here"), "no links here");
        assert_eq!(without_secrets("token="), "token=");
    }
}
