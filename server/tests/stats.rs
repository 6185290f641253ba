//! The technology-contract statistics on both engines: every breakdown of the registered
//! contracts equals the sums computed here from the rows themselves (by the domain's keys, in
//! Beijing time); drafts and refused contracts never count; the public sees aggregates only,
//! and no amount made of fewer than three contracts; a district official opens on their
//! district; a re-import of the same rows changes nothing; the REST API and the CSV / XLSX
//! exports carry the same figures, and refuse what is not a view.
mod common;

use app::domain::contract::ContractStatus;
use app::domain::stats::{Dimension, Pace, StatKeys};
use app::error::AppError;
use app::policy::Actor;
use app::ports::{AuditEvent, ContractRecord, FakeClock};
use app::services;
use chrono::{TimeZone, Utc};
use common::each_backend;
use common::http::{get_as, send};
use common::people::{code, official, reg};
use std::collections::BTreeMap;
use std::sync::Arc;

fn import_event() -> AuditEvent {
    AuditEvent {
        actor_id: None,
        entity_type: "contract_import",
        entity_id: "test".into(),
        action: "import".into(),
        from_state: None,
        to_state: None,
        reason: None,
        at: Utc::now(),
    }
}

/// The key of `c` under `dim`, computed from the record (the oracle the SQL is checked
/// against).
fn key_of(c: &ContractRecord, dim: Dimension) -> String {
    let k = StatKeys::of(
        c.seller.org_type,
        &c.seller.place,
        &c.buyer.place,
        &c.chain_code,
    );
    let day = c
        .registered_at
        .unwrap()
        .with_timezone(&app::domain::time::shanghai())
        .date_naive();
    match dim {
        Dimension::Year => day.format("%Y").to_string(),
        Dimension::Month => day.format("%Y-%m").to_string(),
        Dimension::District => k.district.unwrap_or_default(),
        Dimension::Type => c.contract_type.as_str().into(),
        Dimension::Chain => k.chain_top,
        Dimension::SellerType => k.seller_type.as_str().into(),
        Dimension::Flow => k.flow.as_str().into(),
        Dimension::IpType => c.ip_type.as_str().into(),
    }
}

fn sums(rows: &[ContractRecord], dim: Dimension) -> BTreeMap<String, (i64, i64, i64)> {
    let mut m = BTreeMap::new();
    for c in rows {
        let e = m.entry(key_of(c, dim)).or_insert((0, 0, 0));
        e.0 += c.contract_amount_fen;
        e.1 += c.tech_amount_fen;
        e.2 += 1;
    }
    m
}

async fn clerk(s: &app::ports::AppState, b: &common::Backend) -> Actor {
    let u = common::calls::person(
        s,
        "stats-clerk@example.cn",
        "12450100JBTJCK001",
        "institute",
    )
    .await;
    b.store
        .grant_role(u.user_id, app::domain::Role::Clerk, &import_event())
        .await
        .unwrap();
    Actor {
        roles: vec![app::domain::Role::Clerk],
        ..u
    }
}

fn chains() -> Vec<String> {
    vec![
        "electronic_info.smart_terminal".into(),
        "biomedicine_health.medical_devices".into(),
        "modern_agriculture.seed_industry".into(),
    ]
}

#[tokio::test]
async fn every_breakdown_adds_up_and_the_public_sees_aggregates_only() {
    each_backend(|b| async move {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let s = common::seeded_state_at(&b, Arc::new(FakeClock::at(now))).await;
        let known_chains: Vec<String> = s
            .store
            .list_chains()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect();
        let chains: Vec<String> = chains()
            .into_iter()
            .filter(|c| known_chains.contains(c))
            .collect();
        assert_eq!(chains.len(), 3, "test chains exist in the seeds");
        let mut rows = server::contract_gen::generate(400, 11, &chains, now);
        // One registered at 17:00 UTC on 31 December 2025: 1 January 2026 in Beijing.
        rows[0].registered_at = Some(Utc.with_ymd_and_hms(2025, 12, 31, 17, 0, 0).unwrap());
        // Contracts that are not registered never count.
        let mut draft = rows[1].clone();
        draft.id = uuid::Uuid::new_v4();
        draft.registration_number = Some("TEST-DRAFT-0001".into());
        draft.status = ContractStatus::Refused;
        let registered: Vec<ContractRecord> = rows.clone();
        let mut all = rows.clone();
        all.push(draft);
        let n = s
            .store
            .import_contracts(&all, &import_event(), &|_| {})
            .await
            .unwrap();
        assert_eq!(n, 401);
        // Importing the same rows again changes nothing.
        let again = s
            .store
            .import_contracts(&all, &import_event(), &|_| {})
            .await
            .unwrap();
        assert_eq!(again, 0);

        let clerk = clerk(&s, &b).await;
        for dim in [
            Dimension::Year,
            Dimension::Month,
            Dimension::District,
            Dimension::Type,
            Dimension::Chain,
            Dimension::SellerType,
            Dimension::Flow,
            Dimension::IpType,
        ] {
            let want = sums(&registered, dim);
            let (_, errors, got) = services::turnover_rows(&s, Some(&clerk), &[], dim)
                .await
                .unwrap();
            assert!(errors.is_empty());
            let got: BTreeMap<String, (i64, i64, i64)> = got
                .into_iter()
                .filter(|r| r.count > 0)
                .map(|r| {
                    (
                        r.key,
                        (
                            r.contract_amount_fen.unwrap(),
                            r.tech_amount_fen.unwrap(),
                            r.count,
                        ),
                    )
                })
                .collect();
            assert_eq!(got, want, "{dim:?}");
            // The public: the same counts; amounts only where three contracts or more stand behind.
            let (_, _, public) = services::turnover_rows(&s, None, &[], dim).await.unwrap();
            for r in public.iter().filter(|r| r.count > 0) {
                let w = want[&r.key];
                assert_eq!(r.count, w.2);
                if w.2 < 3 {
                    assert_eq!(
                        (r.contract_amount_fen, r.tech_amount_fen),
                        (None, None),
                        "{dim:?} {}",
                        r.key
                    );
                } else if let Some(a) = r.contract_amount_fen {
                    assert_eq!(a, w.0);
                }
            }
            // Never exactly one withheld figure: the total would give it away.
            assert_ne!(
                public
                    .iter()
                    .filter(|r| r.contract_amount_fen.is_none())
                    .count(),
                1,
                "{dim:?}"
            );
        }
        assert!(sums(&registered, Dimension::Month).contains_key("2026-01"));

        // The figures the server sums in memory are exactly the database's, under any filter.
        {
            use app::domain::stats::TurnoverFilter;
            let d0 = key_of(&registered[2], Dimension::District);
            let filters = [
                TurnoverFilter::default(),
                TurnoverFilter {
                    from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
                    to: chrono::NaiveDate::from_ymd_opt(2025, 12, 31),
                    ..Default::default()
                },
                TurnoverFilter {
                    district: Some(d0).filter(|d| !d.is_empty()),
                    contract_type: Some(registered[3].contract_type),
                    ..Default::default()
                },
                TurnoverFilter {
                    chain: Some(key_of(&registered[4], Dimension::Chain)),
                    ip_type: Some(registered[4].ip_type),
                    ..Default::default()
                },
                TurnoverFilter {
                    district: Some("no_such_district".into()),
                    ..Default::default()
                },
            ];
            for f in &filters {
                assert_eq!(
                    s.stats.turnover_total(f).await.unwrap(),
                    s.store.turnover_total(f).await.unwrap(),
                    "{f:?}"
                );
                for dim in Dimension::ALL {
                    let sorted = |mut v: Vec<app::domain::stats::TurnoverRow>| {
                        v.sort_by(|a, b| a.key.cmp(&b.key));
                        v
                    };
                    assert_eq!(
                        sorted(s.stats.turnover(f, *dim).await.unwrap()),
                        sorted(s.store.turnover(f, *dim).await.unwrap()),
                        "{f:?} {dim:?}"
                    );
                }
            }
        }

        // The city's G6: everything registered since 2021 against 400亿元, whose 2023 deadline
        // has passed.
        let d = services::dashboard(&s, None, &[]).await.unwrap();
        let total: i64 = registered.iter().map(|c| c.contract_amount_fen).sum();
        assert_eq!(d.city.cumulative_fen, total);
        assert_eq!(d.city.target_fen, 4_000_000_000_000);
        assert_eq!(d.city.pace, Pace::Missed);
        assert!(!d.can_drill);
        assert_eq!(d.breakdowns.len(), services::BREAKDOWNS.len());

        // A narrowed view: its total, its share of the city, and the contracts behind it.
        let q = vec![
            ("district".to_string(), "qingxiu".to_string()),
            ("from".into(), "2024-01-01".into()),
        ];
        let behind: Vec<&ContractRecord> = registered
            .iter()
            .filter(|c| {
                key_of(c, Dimension::District) == "qingxiu"
                    && key_of(c, Dimension::Month).as_str() >= "2024-01"
            })
            .collect();
        let amount: i64 = behind.iter().map(|c| c.contract_amount_fen).sum();
        let d = services::dashboard(&s, Some(&clerk), &q).await.unwrap();
        assert_eq!(d.total.count, behind.len() as i64);
        assert_eq!(d.total.contract_amount_fen, Some(amount));
        assert_eq!(
            d.share_bp,
            Some((amount as i128 * 10_000 / total as i128) as i64)
        );
        assert!(d.can_drill);
        let page = services::drill(&s, &clerk, &q, 1).await.unwrap();
        assert_eq!(page.total.count, behind.len() as i64);
        assert_eq!(page.items.len(), behind.len().min(50));
        assert!(page
            .items
            .windows(2)
            .all(|w| w[0].contract_amount_fen >= w[1].contract_amount_fen));
        let all_behind = services::drill_all(&s, &clerk, &q, 100_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            all_behind
                .iter()
                .map(|c| c.contract_amount_fen)
                .sum::<i64>(),
            amount
        );
        assert!(
            services::drill_all(&s, &clerk, &[], 10)
                .await
                .unwrap()
                .is_none(),
            "an export past its bound is refused"
        );

        // The contracts behind a figure are the registry's and the officials', nobody else's.
        let member = common::calls::person(
            &s,
            "stats-member@example.cn",
            "91450100JBTJMB001",
            "enterprise",
        )
        .await;
        assert_eq!(
            services::drill(&s, &member, &q, 1).await.unwrap_err(),
            AppError::Forbidden
        );
        let off = official(&s, &b, "stats-city@example.cn", "91450100JBTJGF001").await;
        assert!(services::drill(&s, &off, &q, 1).await.is_ok());

        // A bad filter is named and left out; the rest of the view stands.
        let bad = vec![
            ("district".to_string(), "<script>".to_string()),
            ("type".into(), "transfer".into()),
        ];
        let d = services::dashboard(&s, None, &bad).await.unwrap();
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.filter.district, None);
        assert_eq!(
            d.total.count,
            sums(&registered, Dimension::Type)
                .get("transfer")
                .map_or(0, |v| v.2)
        );

        // A district government's official opens on their district; a city unit on the city.
        let mut r = reg("stats-qx@example.cn", &code("11450103JBQXKJ001"));
        r.org_type = "government".into();
        r.org_name = "南宁市青秀区科学技术局".into();
        let u = services::register(&s, r, "t").await.unwrap();
        b.store
            .grant_role(u.id, app::domain::Role::Official, &import_event())
            .await
            .unwrap();
        let qx = Actor {
            roles: vec![app::domain::Role::Official],
            ..Actor::from(&u)
        };
        let d = services::dashboard(&s, Some(&qx), &[]).await.unwrap();
        assert_eq!(d.home_district.as_deref(), Some("qingxiu"));
        assert_eq!(d.filter.district.as_deref(), Some("qingxiu"));
        let city = vec![("scope".to_string(), "city".to_string())];
        let d = services::dashboard(&s, Some(&qx), &city).await.unwrap();
        assert_eq!((d.home_district, d.filter.district), (None, None));
        assert_eq!(
            services::dashboard(&s, Some(&off), &[])
                .await
                .unwrap()
                .home_district,
            None
        );

        // A registration after an import continues the year's sequence past the imported numbers.
        let last_2026 = registered
            .iter()
            .filter_map(|c| c.registration_number.as_deref())
            .filter_map(app::domain::contract::own_registration_seq)
            .filter(|(y, _)| *y == 2026)
            .map(|(_, n)| n)
            .max()
            .unwrap();
        let last = b
            .raw
            .count("SELECT CAST(last AS BIGINT) FROM contract_sequences WHERE year = 2026")
            .await;
        assert_eq!(last, last_2026 as i64);
    })
    .await;
}

#[tokio::test]
async fn the_rest_api_and_exports_carry_the_same_figures() {
    each_backend(|b| async move {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let s = common::seeded_state_at(&b, Arc::new(FakeClock::at(now))).await;
        let rows = server::contract_gen::generate(120, 3, &chains(), now);
        s.store
            .import_contracts(&rows, &import_event(), &|_| {})
            .await
            .unwrap();
        let total: i64 = rows.iter().map(|c| c.contract_amount_fen).sum();
        clerk(&s, &b).await;
        let app = server::router(s.clone());

        let (status, _, body) =
            send(&app, get_as("/api/v1/stats/turnover?group_by=type", None)).await;
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["total"]["count"], 120);
        let by_type = sums(&rows, Dimension::Type);
        for r in v["rows"].as_array().unwrap() {
            let w = by_type[r["key"].as_str().unwrap()];
            assert_eq!(r["count"], w.2);
            if w.2 < 3 {
                assert!(r["contract_amount_fen"].is_null() && r["withheld"] == true);
            } else if !r["contract_amount_fen"].is_null() {
                assert_eq!(r["contract_amount_fen"], w.0);
            }
        }
        // What is not a view is refused with a reason, in both languages.
        for bad in [
            "/api/v1/stats/turnover",
            "/api/v1/stats/turnover?group_by=colour",
            "/api/v1/stats/turnover?group_by=month&district=nowhere",
            "/api/v1/stats/turnover?group_by=month&from=2025-13-01",
            "/api/v1/stats/turnover?group_by=month&format=pdf",
        ] {
            let (status, _, body) = send(&app, get_as(bad, None)).await;
            assert_eq!(status, 422, "{bad}: {body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(v["error"]["message_zh"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }

        // The XLSX export of a breakdown opens, and its total row is the city's total.
        let (session, _) =
            services::login(&s, "stats-clerk@example.cn", "Correct-horse-9", "t", "api")
                .await
                .unwrap();
        let res = {
            use tower::ServiceExt;
            app.clone()
                .oneshot(get_as(
                    "/api/v1/stats/turnover?group_by=district&format=xlsx",
                    Some(&session),
                ))
                .await
                .unwrap()
        };
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx"));
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        use calamine::{Data, Reader};
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = wb.worksheet_range_at(0).unwrap().unwrap();
        let last = range.rows().next_back().unwrap().to_vec();
        assert_eq!(last[0], Data::String("合计".into()));
        assert_eq!(last[2], Data::Float(total as f64 / 100.0));
        assert_eq!(last[4], Data::Float(120.0));

        // CSV, with a BOM for Excel.
        let (status, headers, body) = send(
            &app,
            get_as("/api/v1/stats/turnover?group_by=year&format=csv", None),
        )
        .await;
        assert_eq!(status, 200);
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(body.starts_with('\u{feff}'));
        assert!(body.lines().last().unwrap().starts_with("合计,"));

        // The contracts behind a view: the registry's (and officials'), not the public's.
        let (status, _, _) = send(&app, get_as("/api/v1/stats/contracts?format=csv", None)).await;
        assert_eq!(status, 401);
        common::calls::person(&s, "stats-m2@example.cn", "91450100JBTJMB002", "enterprise").await;
        let (msession, _) =
            services::login(&s, "stats-m2@example.cn", "Correct-horse-9", "t", "api")
                .await
                .unwrap();
        let (status, _, _) = send(
            &app,
            get_as("/api/v1/stats/contracts?format=csv", Some(&msession)),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _, body) = send(
            &app,
            get_as(
                "/api/v1/stats/contracts?format=csv&type=service",
                Some(&session),
            ),
        )
        .await;
        assert_eq!(status, 200);
        let services_n = rows
            .iter()
            .filter(|c| c.contract_type.as_str() == "service")
            .count();
        assert_eq!(
            body.lines().count(),
            services_n + 1,
            "a header and one line per contract"
        );

        // The dashboard page renders on the server: the figure, a chart, the tables.
        let (status, _, html) = send(&app, get_as("/dashboard?type=service", None)).await;
        assert_eq!(status, 200);
        assert!(html.contains("data-testid=\"g6\""));
        assert!(html.contains("<svg"));
        assert!(html.contains("data-testid=\"table-district\""));
    })
    .await;
}
