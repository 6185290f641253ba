//! The mail transport of a development server: each mail is written to the log (with its body,
//! so a developer can follow a reset link) and counts as sent. Production has no transport yet;
//! its mails wait in the outbox for one (README, "Security and operations").
use app::ports::{EmailRecord, Mailer};
use async_trait::async_trait;

pub struct LogMailer;

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: &EmailRecord) -> Result<(), String> {
        tracing::info!(to = %mail.to_email, subject = %mail.subject, body = %mail.body, "mail (development: logged, not sent)");
        Ok(())
    }
}
