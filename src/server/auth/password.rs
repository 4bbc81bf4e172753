//! Password hashes: argon2id, hashed and checked on the blocking pool (never on the async
//! workers), a few checks at a time, each in working memory kept from the previous check.

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version,
    password_hash::{
        self, Output, SaltString,
        rand_core::{OsRng, RngCore},
    },
};

/// How many password hashes are checked at once, and the working memory they check in.
///
/// Each check holds ~19 MiB and a core for a while, so a flood of sign-ins queues for a moment
/// and is then refused, instead of exhausting the server's memory. The memory is allocated once
/// per turn and kept for the next check, so the checks' memory is bounded by the turns: 19 MiB
/// allocated and freed per sign-in, on whichever thread of the blocking pool ran it, may stay
/// cached in that thread's allocator arena and add up across threads.
#[derive(Clone, Debug)]
pub struct PasswordChecks {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    spare: SpareMemory,
    wait: std::time::Duration,
}

/// Argon2 working memory kept by turns that ended (at most one per turn at once).
type SpareMemory = std::sync::Arc<std::sync::Mutex<Vec<Vec<Block>>>>;

/// The spare memory's list. A poisoned list holds whole buffers still: a panic cannot leave
/// one half pushed.
fn spare_list(spare: &SpareMemory) -> std::sync::MutexGuard<'_, Vec<Vec<Block>>> {
    spare
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PasswordChecks {
    /// Checks at once on a server (twice the cores of the machines it runs on).
    pub const AT_ONCE: usize = 4;
    /// How long an attempt waits for a turn before it is refused.
    pub const WAIT: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn new(at_once: usize, wait: std::time::Duration) -> Self {
        Self {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(at_once)),
            spare: std::sync::Arc::default(),
            wait,
        }
    }

    /// A turn to check a password, held until dropped; `None` when none came free in time.
    pub async fn turn(&self) -> Option<PasswordTurn> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        let memory = spare_list(&self.spare).pop().unwrap_or_default();
        Some(PasswordTurn {
            _permit: permit,
            memory,
            spare: self.spare.clone(),
        })
    }
}

impl Default for PasswordChecks {
    fn default() -> Self {
        Self::new(Self::AT_ONCE, Self::WAIT)
    }
}

/// One turn of [`PasswordChecks`]: a permit and the working memory of one check.
#[derive(Debug)]
pub struct PasswordTurn {
    _permit: tokio::sync::OwnedSemaphorePermit,
    /// Empty until the first check, and while a check runs.
    memory: Vec<Block>,
    spare: SpareMemory,
}

impl PasswordTurn {
    /// Checks a password against a stored hash, off the async runtime, in this turn's memory.
    /// A malformed hash is a no.
    pub async fn verify(&mut self, password: String, hash: String) -> Result<bool, HashError> {
        let mut memory = std::mem::take(&mut self.memory);
        let (matches, memory) = tokio::task::spawn_blocking(move || {
            let matches = verify_in(&mut memory, password.as_bytes(), &hash);
            (matches, memory)
        })
        .await?;
        self.memory = memory;
        Ok(matches)
    }
}

impl Drop for PasswordTurn {
    fn drop(&mut self) {
        if !self.memory.is_empty() {
            spare_list(&self.spare).push(std::mem::take(&mut self.memory));
        }
    }
}

/// Whether `password` hashes to the stored `hash` (a PHC string) with the hash's own algorithm,
/// version, parameters and salt, computed in `memory` (grown when the parameters need more).
/// The outputs are compared in constant time.
fn verify_in(memory: &mut Vec<Block>, password: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::new());
    }
    let argon2 = Argon2::new(algorithm, version, params);
    Output::init_with(expected.len(), |out| {
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut memory[..])
            .map_err(|_| password_hash::Error::Password)
    })
    .is_ok_and(|computed| computed == expected)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// Hashes a password with argon2id, off the async runtime.
pub async fn hash_password(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| HashError::Hash(error.to_string()))
    })
    .await?
}

/// The hash of a random password nobody knows (see `AppState::decoy_hash`).
pub fn decoy_hash() -> String {
    let mut secret = [0_u8; 24];
    OsRng.fill_bytes(&mut secret);
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(&secret, &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod password_tests {
    use super::*;

    /// One turn's memory serves check after check, and each answer is argon2's own: a wrong
    /// password after a right one, a right one after a wrong one, and hashes with other
    /// parameters (more memory than the last check had) all come out as argon2 says.
    #[tokio::test]
    async fn a_turn_checks_password_after_password_in_the_same_memory() {
        let checks = PasswordChecks::new(1, std::time::Duration::from_secs(1));
        let right = hash_password("right horse".to_owned())
            .await
            .expect("a hash");
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 2, 1, None).expect("params"),
        )
        .hash_password(b"small", &SaltString::generate(&mut OsRng))
        .expect("a hash")
        .to_string();
        let mut turn = checks.turn().await.expect("the only turn");
        let cases = [
            (&small, "small", true),
            (&right, "right horse", true),
            (&right, "wrong horse", false),
            (&small, "right horse", false),
            (&right, "right horse", true),
            (&"not a hash".to_owned(), "right horse", false),
        ];
        for (hash, password, expected) in cases {
            let argon2_says = PasswordHash::new(hash).is_ok_and(|parsed| {
                argon2::PasswordVerifier::verify_password(
                    &Argon2::default(),
                    password.as_bytes(),
                    &parsed,
                )
                .is_ok()
            });
            assert_eq!(argon2_says, expected, "{password} against {hash}");
            let answer = turn.verify(password.to_owned(), hash.clone()).await;
            assert_eq!(answer.ok(), Some(expected), "{password} against {hash}");
        }
        // The memory outlives the turn, for the next one.
        drop(turn);
        let next = checks.turn().await.expect("the turn again");
        assert!(next.memory.len() >= 19 * 1024);
    }
}
