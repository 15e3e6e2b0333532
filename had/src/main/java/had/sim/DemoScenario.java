package had.sim;

import had.backplane.PathState;
import had.backplane.PciId;
import had.backplane.bridge.SimChassisControl;
import had.core.BondView;
import had.core.SlotState;
import had.core.SlotView;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The scenario `make run` plays on the simulated chassis (seed 004's Motorola 8216): cards into
 * slots 2, 12 and 16; a planned extraction of the card carrying bond0's active port; that card
 * pulled and put back; the same card yanked without a request; put back again; the path behind
 * bond0's active port cut with its link kept, then restored. Each step acts on
 * the chassis through the backplane's control socket, as a person at the chassis would, and waits
 * until had has done its part.
 */
public final class DemoScenario {
    /** The lab's cards: Intel 82574L, e1000e. */
    public static final PciId CARD = new PciId(0x8086, 0x10d3);
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

    /** Called after each step with what had made of it, so a test can check every stage. */
    public interface Observer {
        void after(Step step, SimulatedChassis chassis) throws Exception;
    }

    public enum Step {
        INSERTED("insert dual-port cards into slots 2 and 12 and a single-port card into slot 16"),
        EXTRACTED("open the handle of the card in slot 2, which carries bond0's active port"),
        PULLED("pull the card out of slot 2"),
        REINSERTED("put a card back into slot 2"),
        YANKED("yank the card out of slot 2 without opening its handle"),
        RESTORED("put a card back into slot 2 once more"),
        PATH_CUT("the switch behind slot 2 port 0, bond0's active port, stops forwarding; the link stays up"),
        PATH_BACK("the switch forwards again");

        public final String what;

        Step(String what) {
            this.what = what;
        }
    }

    private final SimulatedChassis chassis;
    private final PrintStream out;
    private final long pauseMs;

    public DemoScenario(SimulatedChassis chassis, PrintStream out, long pauseMs) {
        this.chassis = chassis;
        this.out = out;
        this.pauseMs = pauseMs;
    }

    public void play(Observer observer) throws Exception {
        try (SimChassisControl ctl = SimChassisControl.connect(chassis.controlSocket())) {
            step(Step.INSERTED);
            ctl.insert(2, CARD, 2);
            ctl.insert(12, CARD, 2);
            ctl.insert(16, CARD, 1);
            awaitSlot(2, SlotState.ACTIVE);
            awaitSlot(12, SlotState.ACTIVE);
            awaitSlot(16, SlotState.ACTIVE);
            awaitBond(b -> b.working() == 4, "bond0 has 4 working slaves");
            // A slot is ACTIVE before had has configured its ports (that comes when its events are handled).
            await(() -> !chassis.network().read().link(port(16, 0)).addresses().isEmpty(),
                    "slot 16's port has its address", () -> "slot 16's port is " + chassis.network().read().link(port(16, 0)));
            done(Step.INSERTED, observer);

            step(Step.EXTRACTED);
            ctl.handle(2, true);
            awaitSlot(2, SlotState.SAFE_TO_REMOVE);
            out.println("    leds of slot 2: " + ctl.leds(2));
            done(Step.EXTRACTED, observer);

            step(Step.PULLED);
            ctl.remove(2);
            awaitSlot(2, SlotState.EMPTY);
            done(Step.PULLED, observer);

            step(Step.REINSERTED);
            ctl.insert(2, CARD, 2);
            awaitSlot(2, SlotState.ACTIVE);
            awaitBond(b -> b.working() == 4, "bond0 has 4 working slaves");
            done(Step.REINSERTED, observer);

            step(Step.YANKED);
            ctl.remove(2);
            awaitSlot(2, SlotState.EMPTY);
            awaitBond(b -> b.working() == 2 && enslaved(b) == 2, "bond0 is down to slot 12's ports");
            done(Step.YANKED, observer);

            step(Step.RESTORED);
            ctl.insert(2, CARD, 2);
            awaitSlot(2, SlotState.ACTIVE);
            awaitBond(b -> b.working() == 4, "bond0 has 4 working slaves");
            String primary = port(2, 0);
            awaitPaths(4);
            done(Step.RESTORED, observer);

            step(Step.PATH_CUT);
            ctl.path(2, 0, false);
            awaitBond(b -> b.activeSlave() != null && !b.activeSlave().equals(primary),
                    "had moved bond0 off " + primary + ", whose path is dead");
            done(Step.PATH_CUT, observer);

            step(Step.PATH_BACK);
            ctl.path(2, 0, true);
            awaitBond(b -> primary.equals(b.activeSlave()), "bond0 is back on its primary " + primary);
            done(Step.PATH_BACK, observer);
        }
    }

    private void step(Step s) {
        out.println();
        out.println("==> " + (s.ordinal() + 1) + "/" + Step.values().length + ": " + s.what);
    }

    private void done(Step s, Observer observer) throws Exception {
        BondView b = bond0();
        out.println("    bond0: " + b.working() + " of " + enslaved(b) + " slaves working, active " + b.activeSlave());
        if (observer != null) observer.after(s, chassis);
        Thread.sleep(pauseMs);
    }

    /** The interface of a slot's port, as had knows it. */
    private String port(int slot, int subdevice) {
        return slotView(slot).ports().get(subdevice);
    }

    /** Waits until {@code n} of bond0's ports have a path the probes found working. */
    private void awaitPaths(int n) throws Exception {
        Condition enough = () -> chassis.daemon().loop().call(c -> c.bonds().get(0).slaves().stream()
                .filter(s -> s.path() == PathState.UP).count()).get(5, TimeUnit.SECONDS) >= n;
        await(enough, "bond0 has " + n + " ports with a working path", () -> "fewer");
    }

    /** bond0 as had shows it (hadctl bonds): working as had counts it. */
    private BondView bond0() {
        try {
            return chassis.daemon().loop().call(c -> c.bonds().stream().filter(b -> b.name().equals("bond0")).findFirst()
                    .orElse(null)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("had did not answer: " + e, e);
        }
    }

    private static long enslaved(BondView b) {
        return b.slaves().stream().filter(BondView.SlaveView::enslaved).count();
    }

    private void awaitSlot(int slot, SlotState state) throws Exception {
        await(() -> slotView(slot).state() == state, "slot " + slot + " is " + state,
                () -> "slot " + slot + " is " + slotView(slot).state() + " (" + slotView(slot).reason() + ")");
    }

    private void awaitBond(Predicate<BondView> p, String what) throws Exception {
        await(() -> bond0() != null && bond0().exists() && p.test(bond0()), what, () -> "bond0 is " + bond0());
    }

    SlotView slotView(int slot) {
        try {
            return chassis.daemon().loop().call(c -> c.slotView(slot)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("had did not answer: " + e, e);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private interface Detail {
        String get() throws Exception;
    }

    private static void await(Condition c, String what, Detail detail) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("waited " + STEP_TIMEOUT.toSeconds() + " s for: " + what + "; " + detail.get());
            }
            Thread.sleep(10);
        }
    }
}
