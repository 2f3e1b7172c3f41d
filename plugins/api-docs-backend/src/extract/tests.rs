use super::*;

#[test]
fn openapi_operations_with_summaries_and_the_tab_anchor() {
    let ops = operations(
        "openapi",
        "openapi: 3.0.0\ninfo: {title: Pay, version: '1'}\npaths:\n  /payments/{id}:\n    get:\n      summary: Get a payment\n      tags: [payments]\n    delete:\n      operationId: cancelPayment\n      description: Cancels it\n",
    );
    let titles: Vec<_> = ops.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titles, ["GET /payments/{id}", "DELETE /payments/{id}"]);
    assert_eq!(ops[0].summary, "Get a payment");
    assert_eq!(ops[0].anchor, "op-get-payments--id-");
    assert_eq!(ops[1].summary, "cancelPayment");
    assert!(ops[1].text.contains("Cancels it"));
}

#[test]
fn asyncapi_channels_and_graphql_types() {
    let ops = operations(
        "asyncapi",
        r#"{"asyncapi":"2.6.0","channels":{"orders/created":{"description":"New orders","subscribe":{"summary":"Order placed"}}}}"#,
    );
    assert_eq!(ops[0].title, "channel orders/created");
    assert!(ops[0].text.contains("Order placed"));

    let sdl = "\"\"\"A { tricky } doc\"\"\"\ntype Query {\n  order(id: ID!): Order # a comment {\n  orders(first: Int = 10): [Order!]!\n}\nenum Status { OPEN CLOSED }\ninput NewOrder { item: String }\n";
    let ops = operations("graphql", sdl);
    let titles: Vec<_> = ops.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titles, ["type Query", "enum Status", "input NewOrder"]);
    assert_eq!(ops[0].text, "order orders");
    assert_eq!(ops[1].text, "OPEN CLOSED");
    assert_eq!(ops[2].text, "item");
}

#[test]
fn hostile_definitions_end_quickly_with_nothing_or_a_bounded_list() {
    let started = std::time::Instant::now();
    // An alias bomb, unbalanced braces, a huge definition, deep brackets.
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\npaths: {}\n";
    assert!(operations("openapi", bomb).is_empty());
    assert!(operations("graphql", &"type A { ".repeat(100_000)).len() <= MAX_OPERATIONS);
    assert!(operations("openapi", &"x".repeat(MAX_DEFINITION_BYTES + 1)).is_empty());
    assert!(operations("openapi", &"[".repeat(100_000)).is_empty());
    let many: String = (0..20_000)
        .map(|i| format!("  /p{i}:\n    get: {{}}\n"))
        .collect();
    assert_eq!(
        operations("openapi", &format!("paths:\n{many}")).len(),
        MAX_OPERATIONS
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}
