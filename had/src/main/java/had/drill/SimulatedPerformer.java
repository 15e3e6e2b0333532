package had.drill;

import had.backplane.PciId;
import had.backplane.bridge.SimChassisControl;
import had.backplane.bridge.SimControlException;
import java.nio.file.Path;

/** Physical steps done through the simulated chassis's backplane control socket (picmg-bridge's sim). */
public final class SimulatedPerformer implements Performer {
    private final Path socket;
    private SimChassisControl ctl;

    public SimulatedPerformer(Path socket) {
        this.socket = socket;
    }

    @Override
    public String name() {
        return "simulated backplane (" + socket + ")";
    }

    private SimChassisControl ctl() throws StepFailed {
        if (ctl == null) {
            try {
                ctl = SimChassisControl.connect(socket);
            } catch (SimControlException e) {
                throw new StepFailed(e.getMessage());
            }
        }
        return ctl;
    }

    private interface Act {
        void on(SimChassisControl c);
    }

    private void perform(Act act) throws StepFailed {
        SimChassisControl c = ctl();
        try {
            act.on(c);
        } catch (SimControlException e) {
            throw new StepFailed("simulated chassis: " + e.getMessage());
        }
    }

    @Override
    public void insert(Drill.Insert card) throws StepFailed {
        PciId id = card.subVendor() < 0 ? new PciId(card.vendor(), card.device())
                : new PciId(card.vendor(), card.device(), card.subVendor(), card.subDevice());
        perform(c -> c.insert(card.slot(), id, card.ports()));
    }

    @Override
    public void handle(int slot, boolean open) throws StepFailed {
        perform(c -> c.handle(slot, open));
    }

    @Override
    public void remove(int slot, boolean planned) throws StepFailed {
        perform(c -> c.remove(slot));
    }

    @Override
    public void link(int slot, int port, boolean up) throws StepFailed {
        perform(c -> c.link(slot, port, up));
    }

    @Override
    public void path(int slot, int port, boolean up) throws StepFailed {
        perform(c -> c.path(slot, port, up));
    }

    @Override
    public void aer(int slot, int port, String kind, int count) throws StepFailed {
        perform(c -> c.aer(slot, port, kind, count));
    }

    @Override
    public void close() {
        if (ctl != null) ctl.close();
    }
}
