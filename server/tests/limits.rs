//! Rate limits and the costly account operations, as an attacker meets them: budgets shared by
//! every app server over one database, lockouts that do not lock the owner out, resets that
//! check the link before hashing anything, sign-ins that take the same work whatever the case,
//! and an outbox that keeps no usable link once a mail is sent.
mod common;

use app::error::AppError;
use app::ports::FakeClock;
use app::services;
use chrono::{Duration, TimeZone, Utc};
use common::each_backend;
use common::people::{code, fields, reg};
use std::sync::Arc;

const PW: &str = "Correct-horse-9";

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at(
        Utc.with_ymd_and_hms(2027, 5, 3, 9, 0, 0).unwrap(),
    ))
}

async fn fail(s: &app::ports::AppState, email: &str, addr: &str) -> AppError {
    services::login(s, email, "Wrong-guess-000", addr, "web")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_guesser_is_stopped_without_locking_the_owner_out() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, clock()).await;
        for (i, email) in ["owner@example.cn", "other@example.cn"].iter().enumerate() {
            services::register(&s, reg(email, &code(&format!("91450100JBLXM000{i}"))), "r")
                .await
                .unwrap();
        }
        // Ten failures for one account from one address: that pair is refused, even the
        // right password.
        for _ in 0..10 {
            assert_ne!(
                fail(&s, "owner@example.cn", "6.6.6.6").await,
                AppError::RateLimited
            );
        }
        assert_eq!(
            fail(&s, "owner@example.cn", "6.6.6.6").await,
            AppError::RateLimited
        );
        assert_eq!(
            services::login(&s, "owner@example.cn", PW, "6.6.6.6", "web")
                .await
                .unwrap_err(),
            AppError::RateLimited
        );
        // The owner, from their own address, signs in; so does someone else from the
        // guesser's address (an office behind one NAT).
        services::login(&s, "owner@example.cn", PW, "1.2.3.4", "web")
            .await
            .expect("the owner elsewhere");
        services::login(&s, "other@example.cn", PW, "6.6.6.6", "web")
            .await
            .expect("another account from the same address");
        // Spraying many accounts from one address: thirty failures close the address.
        for i in 0..20 {
            assert_ne!(
                fail(&s, &format!("sprayed{i}@example.cn"), "6.6.6.6").await,
                AppError::RateLimited
            );
        }
        assert_eq!(
            fail(&s, "fresh@example.cn", "6.6.6.6").await,
            AppError::RateLimited
        );
        // Guessing from many addresses: a hundred failures lock the account everywhere,
        // and only then is the owner refused.
        for i in 0..100 {
            assert_ne!(
                fail(
                    &s,
                    "other@example.cn",
                    &format!("10.0.{}.{}", i / 10, i % 10)
                )
                .await,
                AppError::RateLimited,
                "attempt {i}"
            );
        }
        assert_eq!(
            services::login(&s, "other@example.cn", PW, "1.2.3.4", "web")
                .await
                .unwrap_err(),
            AppError::RateLimited
        );
        // Nothing a refused attempt sends is stored: the table holds the 130 counted failures
        // (and the registrations), under hashes, not one e-mail or address.
        let n = b.raw.count("SELECT COUNT(*) FROM rate_hits").await;
        assert_eq!(n, 2 + 10 * 3 + 20 * 3 + 100 * 3, "rows: {n}");
        let leaked = b
            .raw
            .count("SELECT COUNT(*) FROM rate_hits WHERE key LIKE '%example%' OR key LIKE '%6.6%'")
            .await;
        assert_eq!(leaked, 0);
        // Past the window everything is forgotten and purged.
        let later = s.clock.now() + Duration::minutes(16);
        let s2 = common::seeded_state_at(&b, Arc::new(FakeClock::at(later))).await;
        services::login(&s2, "other@example.cn", PW, "1.2.3.4", "web")
            .await
            .expect("after the window");
        assert!(services::purge_rate_hits(&s2).await.unwrap() > 0);
        assert_eq!(b.raw.count("SELECT COUNT(*) FROM rate_hits").await, 0);
    })
    .await;
}

#[tokio::test]
async fn two_app_servers_on_one_database_share_one_budget() {
    each_backend(|b| async move {
        let c = clock();
        let one = common::seeded_state_at(&b, c.clone()).await;
        // A second server: its own connection pool on the same database.
        let mut two = common::state(server::store::open(&b.url).await.expect("second store"));
        two.clock = c.clone();
        services::register(
            &one,
            reg("shared@example.cn", &code("91450100JBLXM0010")),
            "r",
        )
        .await
        .unwrap();
        for i in 0..10 {
            let s = if i % 2 == 0 { &one } else { &two };
            assert_ne!(
                fail(s, "shared@example.cn", "7.7.7.7").await,
                AppError::RateLimited
            );
        }
        // Five failures on each: the budget is spent on both, not five of ten on each.
        for s in [&one, &two] {
            assert_eq!(
                services::login(s, "shared@example.cn", PW, "7.7.7.7", "web")
                    .await
                    .unwrap_err(),
                AppError::RateLimited
            );
        }
        // Parallel guesses cannot outrun the count: twenty at once on two servers, at most
        // the budget gets through to a password check.
        services::register(
            &one,
            reg("race@example.cn", &code("91450100JBLXM0011")),
            "r",
        )
        .await
        .unwrap();
        let tries = (0..20).map(|i| {
            let s = if i % 2 == 0 { one.clone() } else { two.clone() };
            async move { fail(&s, "race@example.cn", "8.8.8.8").await }
        });
        let results = futures_util::future::join_all(tries).await;
        assert!(
            results
                .iter()
                .all(|e| *e == AppError::RateLimited || fields(e) == vec!["password"]),
            "{results:?}"
        );
        let checked = results
            .iter()
            .filter(|e| **e != AppError::RateLimited)
            .count();
        assert!(checked <= 10, "{checked} guesses were checked");
        assert!(checked >= 1);
    })
    .await;
}

#[tokio::test]
async fn a_sign_in_costs_one_password_check_whatever_the_account() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, clock()).await;
        services::register(&s, reg("real@example.cn", &code("91450100JBLXM0020")), "r")
            .await
            .unwrap();
        services::register(
            &s,
            reg("imported@example.cn", &code("91450100JBLXM0021")),
            "r",
        )
        .await
        .unwrap();
        // An account imported with no password yet (as the expert import makes them).
        b.raw
            .exec("UPDATE users SET password_hash = '' WHERE email = 'imported@example.cn'")
            .await;
        let mut work = Vec::new();
        for (email, pw) in [
            ("real@example.cn", "Wrong-guess-000"),
            ("nobody@example.cn", "Wrong-guess-000"),
            ("imported@example.cn", "Wrong-guess-000"),
            ("imported@example.cn", ""),
            ("real@example.cn", PW),
        ] {
            let before = server::secrets::argon2_runs();
            let r = services::login(&s, email, pw, "9.9.9.1", "web").await;
            work.push((
                email,
                pw,
                r.is_ok(),
                server::secrets::argon2_runs() - before,
            ));
        }
        let same: Vec<u64> = work.iter().map(|w| w.3).collect();
        // The empty password is refused before any work for everyone alike.
        assert_eq!(same, vec![1, 1, 1, 0, 1], "{work:?}");
        assert_eq!(
            work.iter().map(|w| w.2).collect::<Vec<_>>(),
            vec![false, false, false, false, true]
        );
    })
    .await;
}

#[tokio::test]
async fn password_resets_check_the_link_first_and_one_link_cancels_the_others() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, clock()).await;
        let me = services::register(&s, reg("reset@example.cn", &code("91450100JBLXM0030")), "r")
            .await
            .unwrap();
        // A made-up link costs no password hashing, and bad links are bounded per address.
        let before = server::secrets::argon2_runs();
        for _ in 0..10 {
            let e = services::reset_password(
                &s,
                "f00d",
                "Brand-new-pass-1",
                "Brand-new-pass-1",
                "5.5.5.5",
            )
            .await
            .unwrap_err();
            assert_eq!(fields(&e), vec!["token"]);
        }
        assert_eq!(
            server::secrets::argon2_runs(),
            before,
            "no argon2 for bad links"
        );
        assert_eq!(
            services::reset_password(
                &s,
                "f00d",
                "Brand-new-pass-1",
                "Brand-new-pass-1",
                "5.5.5.5"
            )
            .await
            .unwrap_err(),
            AppError::RateLimited
        );
        // Two links out; using one cancels the other.
        let token = |link: String| link.split("token=").nth(1).unwrap().to_string();
        let first = token(
            services::request_password_reset(&s, "reset@example.cn", "4.4.4.4", None)
                .await
                .unwrap()
                .unwrap(),
        );
        let second = token(
            services::request_password_reset(&s, "reset@example.cn", "4.4.4.4", None)
                .await
                .unwrap()
                .unwrap(),
        );
        services::reset_password(
            &s,
            &second,
            "Brand-new-pass-1",
            "Brand-new-pass-1",
            "4.4.4.4",
        )
        .await
        .unwrap();
        let e = services::reset_password(
            &s,
            &first,
            "Other-new-pass-2",
            "Other-new-pass-2",
            "4.4.4.4",
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec!["token"], "the older link is cancelled");
        // A changed password cancels links too.
        let third = token(
            services::request_password_reset(&s, "reset@example.cn", "4.4.4.4", None)
                .await
                .unwrap()
                .unwrap(),
        );
        let me = services::login(&s, "reset@example.cn", "Brand-new-pass-1", "4.4.4.4", "web")
            .await
            .map(|(_, u)| u)
            .unwrap_or(me);
        services::change_password(
            &s,
            &me,
            "Brand-new-pass-1",
            "Third-new-pass-3",
            "Third-new-pass-3",
            "4.4.4.4",
        )
        .await
        .unwrap();
        let e = services::reset_password(
            &s,
            &third,
            "Fourth-new-pass-4",
            "Fourth-new-pass-4",
            "4.4.4.4",
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec!["token"],
            "a password change cancels the link"
        );
        // Anyone may ask for links, but not without bound: five per account a quarter hour.
        let mut asked = 0;
        while services::request_password_reset(
            &s,
            "reset@example.cn",
            &format!("3.3.3.{asked}"),
            None,
        )
        .await
        .is_ok()
        {
            asked += 1;
            assert!(asked < 50);
        }
        assert_eq!(asked, 5 - 3, "three asked above, two more allowed");
    })
    .await;
}

#[tokio::test]
async fn a_stolen_session_cannot_brute_force_the_current_password() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, clock()).await;
        let me = services::register(
            &s,
            reg("victim@example.cn", &code("91450100JBLXM0040")),
            "r",
        )
        .await
        .unwrap();
        for i in 0..10 {
            let e = services::change_password(
                &s,
                &me,
                &format!("Guess-{i:08}"),
                "Taken-over-pw-1",
                "Taken-over-pw-1",
                "6.6.6.7",
            )
            .await
            .unwrap_err();
            assert_eq!(fields(&e), vec!["old_password"]);
        }
        assert_eq!(
            services::change_password(&s, &me, PW, "Taken-over-pw-1", "Taken-over-pw-1", "6.6.6.8")
                .await
                .unwrap_err(),
            AppError::RateLimited,
            "the account's budget is spent, from any address"
        );
        // The password did not change.
        services::login(&s, "victim@example.cn", PW, "1.1.1.2", "web")
            .await
            .expect("still the owner's password");
    })
    .await;
}

#[tokio::test]
async fn a_sent_mail_leaves_no_usable_link_in_the_outbox() {
    each_backend(|b| async move {
        let s = common::seeded_state_at(&b, clock()).await;
        services::register(&s, reg("mail@example.cn", &code("91450100JBLXM0050")), "r")
            .await
            .unwrap();
        let link = services::request_password_reset(&s, "mail@example.cn", "2.2.2.3", None)
            .await
            .unwrap()
            .unwrap();
        let token = link.split("token=").nth(1).unwrap().to_string();
        assert!(b.store.list_emails("mail@example.cn").await.unwrap()[0]
            .body
            .contains(&token));
        struct Sent(std::sync::Mutex<Vec<String>>);
        #[async_trait::async_trait]
        impl app::ports::Mailer for Sent {
            async fn send(&self, m: &app::ports::EmailRecord) -> Result<(), String> {
                self.0.lock().unwrap().push(m.body.clone());
                Ok(())
            }
        }
        let mailer = Sent(Default::default());
        assert!(services::deliver_emails(&s, &mailer).await.unwrap() >= 1);
        assert!(
            mailer.0.lock().unwrap().iter().any(|b| b.contains(&token)),
            "the mail carried the link"
        );
        let kept = b.store.list_emails("mail@example.cn").await.unwrap();
        assert!(kept.iter().all(|m| !m.body.contains(&token)), "{kept:?}");
        assert_eq!(
            services::deliver_emails(&s, &mailer).await.unwrap(),
            0,
            "sent once"
        );
        // The person who received it can still use it.
        services::reset_password(
            &s,
            &token,
            "Mailed-new-pass-1",
            "Mailed-new-pass-1",
            "2.2.2.3",
        )
        .await
        .unwrap();
    })
    .await;
}
