//! Fault injection: rules matched against incoming requests.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Send about half of the (possibly gzipped) body, then drop the connection.
    CutMidBody,
    /// Answer with this status and a Backstage-style error body.
    Status(u16),
    /// Wait this long before answering (a slow page; a timeout if longer than the client's
    /// read timeout).
    Delay(Duration),
    /// Send half the body, wait this long, then the rest.
    StallMidBody(Duration),
    /// 200 with a body that is not valid JSON (correct HTTP framing).
    BadJson,
    /// 400 InputError for a request with a cursor, as Backstage answers a cursor it cannot use.
    ExpireCursor,
    /// 200 `text/html`, as a web frontend at that URL would answer.
    Html,
    /// 200 with a gzip body (`Content-Encoding: gzip` even if the client did not ask for it)
    /// that is small on the wire and `inflated` bytes once decoded: about 1 KiB on the wire
    /// per MiB inflated, so each 16 KiB chunk sent inflates to about 16 MiB. Decoded, it is a
    /// valid by-query page (`{"items":[` + spaces + `],...}`) with no items: only a size
    /// limit stops a client from inflating all of it.
    GzipBomb { inflated: u64 },
    /// by-query only: the page's `nextCursor` is the cursor the listing's first page handed
    /// out (the request's own cursor if the first page had none), so a listing goes
    /// A → B → … → A. Put it on cursor pages, e.g.
    /// `FaultRule::always(FaultOn::CursorPage, Fault::CursorLoop).after(1)` for A → B → A.
    CursorLoop,
    /// by-query only: the listing never ends. The page past the last one carries a fresh
    /// cursor that starts the catalog over (every cursor differs: it counts the laps), so
    /// the same entities come again and again. Use `FaultRule::always(FaultOn::Any, …)`.
    EndlessPages,
    /// by-query only: an empty page with no next cursor (and `totalItems: 0` on a first
    /// page): the listing suddenly ends, the server serving only the part already paged —
    /// or nothing, on the first page — while its catalog is unchanged. To shrink the catalog
    /// itself, see [`crate::test_server::Catalog::retain_fraction`] and
    /// [`crate::test_server::Catalog::clear`].
    EndListing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOn {
    Any,
    /// by-query without a cursor.
    FirstPage,
    /// by-query with a cursor.
    CursorPage,
    ByRefs,
    Facets,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub on: FaultOn,
    pub fault: Fault,
    /// Matching requests to let through before the fault starts.
    pub skip: u32,
    /// How many matching requests get the fault; `None`: all of them.
    pub times: Option<u32>,
}

impl FaultRule {
    /// The next matching request gets `fault`, once.
    pub fn once(on: FaultOn, fault: Fault) -> Self {
        Self {
            on,
            fault,
            skip: 0,
            times: Some(1),
        }
    }

    /// Every matching request gets `fault`.
    pub fn always(on: FaultOn, fault: Fault) -> Self {
        Self {
            on,
            fault,
            skip: 0,
            times: None,
        }
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    pub fn after(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Query { cursor: bool },
    ByRefs,
    Facets,
    Other,
}

impl FaultOn {
    fn matches(self, route: Route) -> bool {
        matches!(
            (self, route),
            (FaultOn::Any, _)
                | (FaultOn::FirstPage, Route::Query { cursor: false })
                | (FaultOn::CursorPage, Route::Query { cursor: true })
                | (FaultOn::ByRefs, Route::ByRefs)
                | (FaultOn::Facets, Route::Facets)
        )
    }
}

/// The fault for this request, if a rule applies (consuming one use of it).
pub(crate) fn take(rules: &mut Vec<FaultRule>, route: Route) -> Option<Fault> {
    let idx = rules.iter().position(|r| r.on.matches(route))?;
    let rule = &mut rules[idx];
    if rule.skip > 0 {
        rule.skip -= 1;
        return None;
    }
    let fault = rule.fault.clone();
    match &mut rule.times {
        Some(n) if *n <= 1 => {
            rules.remove(idx);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_skip_then_fire_then_expire() {
        let mut rules = vec![FaultRule::once(FaultOn::CursorPage, Fault::CutMidBody).after(1)];
        assert_eq!(take(&mut rules, Route::Query { cursor: false }), None);
        assert_eq!(take(&mut rules, Route::Query { cursor: true }), None);
        assert_eq!(
            take(&mut rules, Route::Query { cursor: true }),
            Some(Fault::CutMidBody)
        );
        assert_eq!(take(&mut rules, Route::Query { cursor: true }), None);
        assert!(rules.is_empty());
        let mut rules = vec![FaultRule::always(FaultOn::Any, Fault::Status(503))];
        for _ in 0..5 {
            assert_eq!(take(&mut rules, Route::ByRefs), Some(Fault::Status(503)));
        }
    }
}
