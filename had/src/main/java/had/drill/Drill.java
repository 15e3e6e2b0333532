package had.drill;

import java.util.List;

/**
 * A drill file, parsed: its steps in order (comments and blank lines are not steps), and the
 * SHA-256 of its bytes, which every audit record of a run names. The language is described in
 * had/doc/drills.md; {@link DrillParser} reads it.
 */
public record Drill(String file, String sha256, List<Step> steps) {
    /** One step: its number (1-based, in file order), its line, its text as written, what it does. */
    public record Step(int number, int line, String text, Action action) {}

    /** What a step does. */
    public sealed interface Action {}

    /** The card is put into the slot (a person does it; on the simulated chassis, its control socket). */
    public record Insert(int slot, int vendor, int device, int subVendor, int subDevice, int ports) implements Action {}

    /** The card's handle is opened (extraction request) or closed. */
    public record Handle(int slot, boolean open) implements Action {}

    /** The card is taken out: {@code planned}: only once had has made it SAFE_TO_REMOVE (pull); else a surprise (yank). */
    public record Remove(int slot, boolean planned) implements Action {}

    /** A port's cable is cut or restored. */
    public record Link(int slot, int port, boolean up) implements Action {}

    /** A port's path beyond its link is cut or restored, carrier kept (a switch that stops forwarding). */
    public record Path(int slot, int port, boolean up) implements Action {}

    /** One of the card's functions (port) reports {@code count} PCIe AER errors of a kind: correctable, nonfatal or fatal. */
    public record Aer(int slot, int port, String kind, int count) implements Action {}

    /** had extracts the card itself (control socket); {@code expectRefused}: the drill expects a refusal. */
    public record Extract(int slot, boolean force, boolean expectRefused) implements Action {}

    /** had cancels an extraction (control socket). */
    public record Cancel(int slot) implements Action {}

    /**
     * hadctl insert SLOT (control socket): had admits the card that waits there (insertion =
     * manual), or powers the slot on. Written {@code admit SLOT} or {@code power SLOT on}.
     */
    public record Admit(int slot) implements Action {}

    /** hadctl clear SLOT (control socket): the slot's quarantined ports back in service. */
    public record Clear(int slot) implements Action {}

    /** Waits until the condition holds, failing after {@code withinMs}. */
    public record Wait(Condition condition, long withinMs) implements Action {}

    /** The condition must hold now. */
    public record Expect(Condition condition) implements Action {}

    /** Does nothing for a while. */
    public record Sleep(long ms) implements Action {}

    /** What a wait or an expect checks. {@link #text} is the condition as written. */
    public sealed interface Condition {
        String text();
    }

    /** {@code slot N is STATE}. */
    public record SlotIs(String text, int slot, String state) implements Condition {}

    /** {@code slot N attention|led is on|off}. */
    public record SlotIndicator(String text, int slot, String indicator, boolean on) implements Condition {}

    /** {@code bond B has OP N working slaves}. */
    public record BondWorking(String text, String bond, String op, int count) implements Condition {}

    /** {@code bond B active is slot N port M}. */
    public record BondActive(String text, String bond, int slot, int port) implements Condition {}

    /** {@code bond B is up|down|degraded}. */
    public record BondIs(String text, String bond, String state) implements Condition {}

    /** {@code [no] outage on SERVICE since step K|start}: from this run's audit records; {@code sinceStep} 0 = start. */
    public record Outage(String text, boolean none, String service, int sinceStep) implements Condition {}

    /** {@code slot N port M path is up|down|unknown}: what had's probes say of that port's path. */
    public record PathIs(String text, int slot, int port, String state) implements Condition {}

    /** {@code slot N card is ailing|trusted}: whether had keeps traffic off the card for its PCIe errors. */
    public record CardAiling(String text, int slot, boolean ailing) implements Condition {}

    /** {@code address A is up|down}: the service's last state in the audit log. */
    public record AddressIs(String text, String address, boolean up) implements Condition {}
}
