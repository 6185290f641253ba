//! People and forms the flow tests share: valid credit codes, a registration, a demand form,
//! an official.
use app::domain::Role;
use app::error::AppError;
use app::model::DemandForm;
use app::policy::Actor;
use app::services::{self, RegisterInput};

/// The names of the fields an error complains about.
pub fn fields(e: &AppError) -> Vec<String> {
    e.field_errors().iter().map(|f| f.field.clone()).collect()
}

pub fn code(body17: &str) -> String {
    let c = app::domain::credit_code::compute_check_char(body17).expect("valid body");
    format!("{body17}{c}")
}

pub fn reg(email: &str, credit: &str) -> RegisterInput {
    RegisterInput {
        email: email.into(),
        display_name: "李工".into(),
        password: "Correct-horse-9".into(),
        password_confirm: "Correct-horse-9".into(),
        privacy: true,
        mode: "new".into(),
        org_name: "南宁测试科技有限公司".into(),
        org_type: "enterprise".into(),
        credit_code: credit.into(),
        district: "qingxiu".into(),
        contact_name: "李工".into(),
        contact_phone: "0771-5550000".into(),
        dispute_reason: String::new(),
    }
}

pub fn form() -> DemandForm {
    DemandForm {
        title: "甘蔗收获机断尾率降低技术".into(),
        description: "现有收获机在丘陵地块断尾率偏高，需要改进切割与输送结构，目标断尾率低于 5%。"
            .into(),
        chain: "modern_agriculture.efficient_production".into(),
        field: "农业机械".into(),
        keywords: "甘蔗，收获机、切割".into(),
        budget_min: "50".into(),
        budget_max: "120.5".into(),
        trl: "6".into(),
        deadline: "2030-06-30".into(),
        ip_preference: "shared".into(),
        confidential_detail: "当前断尾率 12.3%，配套刀片供应商：某某机械".into(),
    }
}

/// A registered user made an official through the store, as `server create-official` would.
pub async fn official(
    s: &app::ports::AppState,
    b: &super::Backend,
    email: &str,
    credit17: &str,
) -> Actor {
    let off = services::register(s, reg(email, &code(credit17)), "test-client")
        .await
        .unwrap();
    b.store
        .grant_role(
            off.id,
            Role::Official,
            &app::ports::AuditEvent {
                actor_id: None,
                entity_type: "user",
                entity_id: off.id.to_string(),
                action: "grant_role".into(),
                from_state: None,
                to_state: None,
                reason: None,
                at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    Actor {
        roles: vec![Role::Official],
        ..Actor::from(&off)
    }
}
