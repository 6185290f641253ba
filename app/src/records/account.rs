//! A person's account details: registration and the expert import (which creates accounts).
use crate::domain::text::{clean_text, validate_email};
use crate::error::Errors;

pub const DISPLAY_NAME: (usize, usize) = (1, 50);

/// The e-mail (lower-cased) and the display name, or their errors under `email` and
/// `display_name`.
pub fn person(errs: &mut Errors, email: &str, display_name: &str) -> Option<(String, String)> {
    let email = errs.take("email", validate_email(email));
    let name = errs.take(
        "display_name",
        clean_text(display_name, DISPLAY_NAME.0, DISPLAY_NAME.1),
    );
    Some((email?, name?))
}
