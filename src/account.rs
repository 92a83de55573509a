//! Accounts: e-mail addresses, password policy and roles.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::keyed_enum! {
    /// What an account may do beyond voting and submitting (stored one row per role).
    pub enum Role {
        Expert = "expert",
        Admin = "admin",
        Announcer = "announcer",
    }
}

crate::keyed_enum! {
    /// What an e-mailed link does.
    pub enum LinkPurpose {
        Confirm = "confirm",
        Reset = "reset",
    }
}

/// A syntactically plausible, normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim().to_lowercase();
        let bad = || Err(format!("“{}” is not a valid e-mail address.", input.trim()));
        if s.is_empty() {
            return Err("Please enter your e-mail address.".into());
        }
        if s.len() > 254 {
            return Err("The e-mail address is too long.".into());
        }
        let Some((local, domain)) = s.split_once('@') else { return bad() };
        if local.is_empty()
            || local.len() > 64
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
            || domain.contains('@')
        {
            return bad();
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Email {
    /// The domain part (after the `@`).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }

    /// The mailbox behind the address, see [`canonical_email`].
    pub fn canonical(&self) -> String {
        canonical_email(&self.0)
    }
}

/// Providers that deliver `name+anything@` to `name@`.
const PLUS_TAG_PROVIDERS: &[&str] = &[
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com",
    "mac.com", "protonmail.com", "proton.me", "pm.me", "fastmail.com", "fastmail.fm", "yandex.com", "yandex.ru",
    "zoho.com", "gmx.com", "mail.com",
];

/// The mailbox an address reaches, for "one account per address": lower case, and for the
/// providers that ignore them, without a `+tag` and (Gmail) without dots in the name, so
/// `Ana.Lima+vote@gmail.com` and `analima@googlemail.com` are one mailbox. Other domains
/// keep their tags: a custom domain may route them to different people.
pub fn canonical_email(address: &str) -> String {
    let a = address.trim().to_lowercase();
    let Some((local, domain)) = a.rsplit_once('@') else { return a };
    let domain = if domain == "googlemail.com" { "gmail.com" } else { domain };
    let mut local = local.to_string();
    if PLUS_TAG_PROVIDERS.contains(&domain) {
        if let Some((base, _)) = local.split_once('+') {
            local = base.to_string();
        }
    }
    if domain == "gmail.com" {
        local.retain(|c| c != '.');
    }
    format!("{local}@{domain}")
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 200;

/// Passwords found at the top of every leaked-password list.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890", "12345678910", "123456789a", "0123456789", "1q2w3e4r5t", "1qaz2wsx3edc",
    "qwertyuiop", "qwerty1234", "qwerty12345", "password12", "password123", "password1234",
    "passw0rd123", "iloveyou12", "abcdefghij", "abc1234567", "aaaaaaaaaa", "1111111111",
    "0000000000", "9876543210", "letmein123", "welcome123", "football12", "baseball12",
    "sunshine12", "princess12", "dragon1234", "monkey1234", "trustno1234", "superman12",
    "administrator", "changeme123", "qazwsxedcrfv", "zaq12wsxcde", "asdfghjkl1", "zxcvbnm123",
    "wsisprizes2026", "wsisprizes",
];

/// Checks the password policy; returns the message to show when it fails.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(format!("The password needs at least {PASSWORD_MIN_CHARS} characters."));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(format!("The password may have at most {PASSWORD_MAX_CHARS} characters."));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) || password.chars().all(|c| Some(c) == password.chars().next()) {
        return Err("This password is too common; please choose another.".into());
    }
    Ok(())
}

/// Checks a free-text field: required or not, and its maximum length in characters.
pub fn check_text(label: &str, value: &str, required: bool, max_chars: usize) -> Result<String, String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(format!("{label} is required."));
    }
    if v.chars().count() > max_chars {
        return Err(format!("{label} may have at most {max_chars} characters."));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(format!("{label} contains characters that are not allowed."));
    }
    Ok(v.to_string())
}

/// The sign-up form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub country: String,
}

/// Who is signed in, as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub organisation: String,
    pub country: String,
    pub confirmed: bool,
    pub roles: Vec<Role>,
}

impl SessionUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// An account as listed on the admin page: the facts a session shows of it.
pub type AccountRow = SessionUser;

/// What a browser sends to sign in: the code it was mailed (or the link's token), and the
/// profile of a new account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CodeSignIn {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub country: String,
}

/// A sign-in with a code: who is now signed in, and the page to go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSignedIn {
    pub user: SessionUser,
    pub next: String,
}

/// E-mailed sign-in codes: six digits, valid for a quarter of an hour, for the browser that
/// asked; a few wrong guesses end them.
pub const SIGN_IN_CODE_DIGITS: usize = 6;
pub const SIGN_IN_CODE_TTL_MINUTES: i64 = 15;
pub const SIGN_IN_CODE_ATTEMPTS: i32 = 5;

/// The code as typed: six digits, with any spaces or dashes between them, in Western,
/// Arabic-Indic, Eastern Arabic-Indic or full-width digits (as a phone keyboard may type
/// them). Anything else is not a code.
pub fn parse_sign_in_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(SIGN_IN_CODE_DIGITS);
    for c in input.trim().chars() {
        let digit = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{660}'..='\u{669}' => c as u32 - 0x660,
            '\u{6F0}'..='\u{6F9}' => c as u32 - 0x6F0,
            '\u{FF10}'..='\u{FF19}' => c as u32 - 0xFF10,
            ' ' | '-' | '\u{a0}' => continue,
            _ => return None,
        };
        if out.len() == SIGN_IN_CODE_DIGITS {
            return None;
        }
        out.push(char::from_digit(digit, 10)?);
    }
    (out.len() == SIGN_IN_CODE_DIGITS).then_some(out)
}

/// A code from a random number (any `u32`), uniformly over the million codes but for a
/// bias below one in four thousand.
pub fn sign_in_code_of(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

/// Accounts holding a role sign in with their password only: a mailbox alone must not open
/// the secretariat's, the experts' or the announcers' pages.
pub fn signs_in_with_password_only(roles: &[Role]) -> bool {
    !roles.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse("  Ana@Example.ORG ").unwrap().as_str(), "ana@example.org");
        for bad in ["", "ana", "ana@", "@x.org", "ana@x", "a b@x.org", "ana@@x.org", "ana@x..org", "<a>@x.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_mailbox_one_canonical_address() {
        assert_eq!(canonical_email("Ana.Lima+vote@Gmail.com"), "analima@gmail.com");
        assert_eq!(canonical_email("analima@googlemail.com"), "analima@gmail.com");
        assert_eq!(canonical_email("ana+x@outlook.com"), "ana@outlook.com");
        // dots matter outside Gmail, and tags on custom domains may reach other people
        assert_eq!(canonical_email("ana.lima@outlook.com"), "ana.lima@outlook.com");
        assert_eq!(canonical_email("ana+team@itu.example"), "ana+team@itu.example");
        let e = Email::parse("A.B+c@gmail.com").unwrap();
        assert_eq!((e.domain(), e.canonical().as_str()), ("gmail.com", "ab@gmail.com"));
    }

    #[test]
    fn password_policy() {
        assert!(check_password("short").is_err());
        assert!(check_password("password123").is_err());
        assert!(check_password("PASSWORD123").is_err());
        assert!(check_password("zzzzzzzzzzzz").is_err());
        assert!(check_password("correct horse battery").is_ok());
        assert!(check_password(&"x".repeat(201)).is_err());
    }

    #[test]
    fn roles_have_keys() {
        assert_eq!(Role::parse(" admin "), Some(Role::Admin));
        assert_eq!(Role::parse("wizard"), None);
        assert_eq!(Role::ALL.map(Role::key), ["expert", "admin", "announcer"]);
    }

    #[test]
    fn sign_in_codes_as_typed() {
        assert_eq!(parse_sign_in_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(parse_sign_in_code("123-456").as_deref(), Some("123456"));
        assert_eq!(parse_sign_in_code("\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}").as_deref(), Some("123456"));
        assert_eq!(parse_sign_in_code("\u{FF10}\u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}").as_deref(), Some("012345"));
        for bad in ["", "12345", "1234567", "12345a", "１２３", "123456\u{0}", "+123456"] {
            assert_eq!(parse_sign_in_code(bad), None, "{bad:?}");
        }
        assert_eq!(sign_in_code_of(7), "000007");
        assert_eq!(sign_in_code_of(u32::MAX).len(), 6);
        assert!(signs_in_with_password_only(&[Role::Expert]) && !signs_in_with_password_only(&[]));
    }

    proptest::proptest! {
        #[test]
        fn every_generated_code_reads_back(n: u32, spaced: bool) {
            let code = sign_in_code_of(n);
            let typed = if spaced { format!("{} {}", &code[..3], &code[3..]) } else { code.clone() };
            proptest::prop_assert_eq!(parse_sign_in_code(&typed), Some(code));
        }

        #[test]
        fn digits_and_separators_read_as_a_code_exactly_when_there_are_six_digits(s in "[0-9 \\-]{0,14}") {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let expected = (digits.len() == 6).then_some(digits);
            proptest::prop_assert_eq!(parse_sign_in_code(&s), expected);
        }

        #[test]
        fn any_other_character_makes_it_no_code(code in "[0-9]{6}", at in 0usize..7, c in "[^0-9 \\-\u{a0}\u{660}-\u{669}\u{6f0}-\u{6f9}\u{ff10}-\u{ff19}\\s]") {
            let mut typed = code.clone();
            typed.insert_str(at, &c);
            proptest::prop_assert_eq!(parse_sign_in_code(&typed), None);
        }
    }

    #[test]
    fn text_fields() {
        assert!(check_text("Name", "  ", true, 10).is_err());
        assert_eq!(check_text("Name", " Ana ", true, 10).unwrap(), "Ana");
        assert!(check_text("Name", "abcdefghijk", true, 10).is_err());
        assert!(check_text("Name", "a\u{0}b", true, 10).is_err());
    }
}
