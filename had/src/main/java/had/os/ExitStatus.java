package had.os;

/**
 * The exit statuses of had's commands (had, hadctl and its subcommands), one meaning each
 * everywhere; the commands name them in their own words (a drill's "passed", the audit log's
 * "intact") as aliases of these.
 */
public final class ExitStatus {
    /** Done: what was asked holds (the drill passed, the chain is intact). */
    public static final int OK = 0;
    /** Refused or failed: had would not, the action failed, a drill step failed, the chain is broken. */
    public static final int FAILED = 1;
    /** A usage or configuration error: nothing was done. */
    public static final int USAGE = 2;
    /** had cannot be reached (not running, not allowed, no answer). */
    public static final int UNREACHABLE = 3;

    private ExitStatus() {}
}
