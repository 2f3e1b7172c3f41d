//! Bounded retry with exponential backoff for transient failures (unreachable, timeout,
//! connection cut, 5xx, 429). Every attempt and every pause is raced against cancellation.

use std::future::Future;
use std::time::Duration;

use crate::cancel::CancelToken;
use crate::error::SyncError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, including the first (at least 1).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries: the first failure is the answer (used by "Test connection").
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The pause after failed attempt number `attempt` (1-based): initial × 2^(attempt-1),
    /// capped, with up to 25 % of jitter taken off so parallel clients spread out.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(16);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let jitter_pct = u64::from(nanos % 26);
        let ms = base.as_millis() as u64;
        Duration::from_millis(ms - ms * jitter_pct / 100)
    }
}

/// Runs `op` until it succeeds, fails with a non-transient error, or the attempts run out.
/// `on_retry(error, attempt, pause)` is called before each pause.
pub(crate) async fn retry<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancelToken,
    mut on_retry: impl FnMut(&SyncError, u32, Duration),
    mut op: F,
) -> Result<T, SyncError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SyncError>>,
{
    let attempts = policy.max_attempts.max(1);
    let mut attempt = 1;
    loop {
        if cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let result = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(SyncError::Cancelled),
            r = op() => r,
        };
        match result {
            Ok(v) => return Ok(v),
            Err(e) if e.is_transient() && attempt < attempts => {
                let pause = policy.backoff(attempt);
                tracing::debug!(error = %e, attempt, pause_ms = pause.as_millis() as u64, "transient failure; retrying");
                on_retry(&e, attempt, pause);
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err(SyncError::Cancelled),
                    _ = tokio::time::sleep(pause) => {}
                }
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        let b1 = p.backoff(1);
        let b3 = p.backoff(3);
        let b9 = p.backoff(9);
        assert!(
            b1 >= Duration::from_millis(75) && b1 <= Duration::from_millis(100),
            "{b1:?}"
        );
        assert!(
            b3 >= Duration::from_millis(300) && b3 <= Duration::from_millis(400),
            "{b3:?}"
        );
        assert!(
            b9 <= Duration::from_secs(1) && b9 >= Duration::from_millis(750),
            "{b9:?}"
        );
    }

    #[tokio::test]
    async fn transient_errors_are_retried_until_the_limit() {
        let calls = AtomicU32::new(0);
        let mut retries = 0;
        let r: Result<(), _> = retry(
            &fast(),
            &CancelToken::new(),
            |_, _, _| retries += 1,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(SyncError::Server {
                    status: 503,
                    detail: "busy".into(),
                })
            },
        )
        .await;
        assert!(matches!(r, Err(SyncError::Server { status: 503, .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(retries, 2);
    }

    #[tokio::test]
    async fn permanent_errors_are_not_retried_and_success_stops() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = retry(
            &fast(),
            &CancelToken::new(),
            |_, _, _| {},
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(SyncError::Unauthorized)
            },
        )
        .await;
        assert!(matches!(r, Err(SyncError::Unauthorized)));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = AtomicU32::new(0);
        let r = retry(
            &fast(),
            &CancelToken::new(),
            |_, _, _| {},
            || async {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                if n == 0 {
                    Err(SyncError::Timeout {
                        after: Duration::from_secs(1),
                    })
                } else {
                    Ok(n)
                }
            },
        )
        .await;
        assert!(matches!(r, Ok(1)));
    }

    #[tokio::test]
    async fn cancellation_interrupts_the_pause() {
        let token = CancelToken::new();
        let slow = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30),
        };
        let t = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            t.cancel();
        });
        let started = std::time::Instant::now();
        let r: Result<(), _> = retry(
            &slow,
            &token,
            |_, _, _| {},
            || async {
                Err(SyncError::Unreachable {
                    host: "h".into(),
                    detail: "refused".into(),
                })
            },
        )
        .await;
        assert!(matches!(r, Err(SyncError::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
