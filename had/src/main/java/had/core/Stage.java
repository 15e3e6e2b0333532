package had.core;

/** A slot's pending stage, which its deadline ends: what it is called on record, and what it does. */
record Stage(String name, Runnable run) {
}
