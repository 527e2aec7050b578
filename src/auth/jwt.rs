//! Access tokens: HS256 JWTs with audience, issue time, expiry and the user's token version.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const AUDIENCE: &str = "guanai-api";
pub const ISSUER: &str = "guanai";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// User id.
    pub sub: String,
    pub role: String,
    /// The user's token version when issued; a password change or deactivation bumps it.
    pub ver: i32,
    /// The login family (one login and its refresh-token rotations). Ending the family — a
    /// logout, or a rotated refresh token presented again — ends its access tokens too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<String>,
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
    #[error("the signing key could not be built")]
    Key,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &str) -> Result<Self, JwtError> {
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()).map_err(|_| JwtError::Key)?,
            decoding: DecodingKey::from_secret(secret.as_bytes()).map_err(|_| JwtError::Key)?,
        })
    }

    pub fn issue(&self, claims: &Claims) -> Result<String, JwtError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| JwtError::Key)
    }

    /// Verifies signature (HS256 only), audience and issuer; expiry is checked against
    /// `now` from the service clock rather than the system time.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, JwtError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "aud", "iss", "sub", "iat"]);
        validation.validate_exp = false;
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| JwtError::Invalid)?;
        if data.claims.exp <= now.timestamp() {
            return Err(JwtError::Expired);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn claims(now: DateTime<Utc>) -> Claims {
        Claims {
            sub: "u1".into(),
            role: "admin".into(),
            ver: 1,
            fam: None,
            aud: AUDIENCE.into(),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: now.timestamp() + 900,
        }
    }

    #[test]
    fn round_trip_and_expiry() {
        let keys = JwtKeys::new("0123456789abcdef0123456789abcdef").unwrap();
        let now = Utc::now();
        let token = keys.issue(&claims(now)).unwrap();
        assert_eq!(keys.verify(&token, now).unwrap(), claims(now));
        assert_eq!(
            keys.verify(&token, now + chrono::Duration::seconds(900)),
            Err(JwtError::Expired)
        );
    }

    #[test]
    fn other_key_alg_none_and_wrong_audience_fail() {
        let keys = JwtKeys::new("0123456789abcdef0123456789abcdef").unwrap();
        let other = JwtKeys::new("ffffffffffffffffffffffffffffffff").unwrap();
        let now = Utc::now();
        let token = other.issue(&claims(now)).unwrap();
        assert_eq!(keys.verify(&token, now), Err(JwtError::Invalid));

        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(now)).unwrap());
        assert_eq!(
            keys.verify(&format!("{header}.{payload}."), now),
            Err(JwtError::Invalid)
        );

        let mut wrong_aud = claims(now);
        wrong_aud.aud = "someone-else".into();
        let token = keys.issue(&wrong_aud).unwrap();
        assert_eq!(keys.verify(&token, now), Err(JwtError::Invalid));
    }
}
