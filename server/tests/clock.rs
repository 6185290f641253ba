//! Time as the server's clock tells it, moved by the test: deadlines, expiry and rate-limit
//! windows, on both engines.
mod common;

use app::domain::demand::DemandAction;
use app::domain::DemandStatus;
use app::error::AppError;
use app::policy::Actor;
use app::ports::FakeClock;
use app::services;
use chrono::{Duration, TimeZone, Utc};
use common::each_backend;
use common::people::{code, fields, form, official, reg};
use std::sync::Arc;

/// The test form's deadline, 2030-06-30, ends at midnight Beijing time: 15:59:59 UTC.
fn deadline() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 6, 30, 15, 59, 59).unwrap()
}

#[tokio::test]
async fn demands_expire_when_the_clock_passes_their_deadline_and_stale_drafts_cannot_be_submitted()
{
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2030, 6, 1, 0, 0, 0).unwrap(),
        ));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        let owner =
            services::register(&s, reg("clock@example.cn", &code("91450100JBTEXT020")), "c")
                .await
                .unwrap();
        let owner = Actor::from(&owner);
        let off = official(&s, &b, "clock-official@example.cn", "91450100JBTEXT021").await;
        let live = services::create_demand(&s, &owner, &form(), true)
            .await
            .unwrap();
        services::demand_action(&s, &off, live, DemandAction::Approve, None)
            .await
            .unwrap();
        let draft = services::create_demand(&s, &owner, &form(), false)
            .await
            .unwrap();

        // A minute before the deadline nothing expires, and the draft may still be submitted.
        clock.set(deadline() - Duration::minutes(1));
        assert_eq!(services::expire_demands(&s).await.unwrap(), 0);
        let detail = services::demand_detail(&s, None, live).await.unwrap();
        assert_eq!(detail.summary.status, DemandStatus::Published);

        // Past it, the sweep expires the published demand, which leaves the public list, and
        // the stale draft is refused with a message on its deadline field.
        clock.set(deadline() + Duration::seconds(1));
        assert_eq!(services::expire_demands(&s).await.unwrap(), 1);
        assert_eq!(services::expire_demands(&s).await.unwrap(), 0, "once");
        let row = b.store.get_demand(live).await.unwrap().unwrap();
        assert_eq!(row.demand.status, DemandStatus::Expired);
        assert_eq!(
            row.demand.updated_at,
            deadline() + Duration::seconds(1),
            "stamped by the clock"
        );
        let history = b
            .store
            .audit_for("demand", &live.to_string())
            .await
            .unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.event.action, "expire");
        assert_eq!(last.event.at, deadline() + Duration::seconds(1));
        assert_eq!(
            services::public_demands(&s, None, None, None, None)
                .await
                .unwrap()
                .total,
            0
        );
        let e = services::demand_action(&s, &owner, draft, DemandAction::Submit, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec!["deadline"]);
        assert_eq!(
            b.store
                .get_demand(draft)
                .await
                .unwrap()
                .unwrap()
                .demand
                .status,
            DemandStatus::Draft,
            "nothing changed"
        );
    })
    .await;
}

#[tokio::test]
async fn sign_in_attempts_are_limited_within_the_window_and_allowed_again_after_it() {
    each_backend(|b| async move {
        let clock = Arc::new(FakeClock::at(
            Utc.with_ymd_and_hms(2027, 3, 1, 8, 0, 0).unwrap(),
        ));
        let s = common::seeded_state_at(&b, clock.clone()).await;
        services::register(
            &s,
            reg("window@example.cn", &code("91450100JBTEXT022")),
            "c",
        )
        .await
        .unwrap();
        for _ in 0..10 {
            let e = services::login(&s, "window@example.cn", "bad-bad-bad-1", "9.9.9.9", "web")
                .await
                .unwrap_err();
            assert_ne!(e, AppError::RateLimited);
        }
        // Fourteen minutes later the window still holds: even the right password is refused
        // from the address that failed.
        clock.advance(Duration::minutes(14));
        assert_eq!(
            services::login(&s, "window@example.cn", "Correct-horse-9", "9.9.9.9", "web")
                .await
                .unwrap_err(),
            AppError::RateLimited
        );
        // Once the fifteen minutes since the failures have passed, it signs in.
        clock.advance(Duration::minutes(2));
        let (_, user) =
            services::login(&s, "window@example.cn", "Correct-horse-9", "9.9.9.9", "web")
                .await
                .unwrap();
        assert_eq!(user.email, "window@example.cn");
    })
    .await;
}
