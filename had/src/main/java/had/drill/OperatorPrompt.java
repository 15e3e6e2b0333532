package had.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Physical steps on a real chassis: the operator is asked to do each one and answers with Enter
 * once it is done (or "n" when it cannot be done, which fails the step). Without a terminal (or
 * with --non-interactive) nobody can answer, so every physical step fails, saying so.
 */
public final class OperatorPrompt implements Performer {
    private final BufferedReader in;
    private final PrintStream out;
    private final boolean interactive;

    /** {@code interactive}: there is an operator to answer on {@code in}. */
    public OperatorPrompt(BufferedReader in, PrintStream out, boolean interactive) {
        this.in = in;
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public String name() {
        return interactive ? "operator" : "operator (not interactive)";
    }

    void ask(String what) throws StepFailed {
        if (!interactive) {
            throw new StepFailed(what + ": this step needs an operator at the chassis (had runs on a real chassis);"
                    + " run the drill from a terminal, without --non-interactive");
        }
        out.print(what + " now, then press Enter (n and Enter if it cannot be done) ");
        out.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            throw new StepFailed(what + ": no answer: " + e.getMessage());
        }
        if (answer == null) throw new StepFailed(what + ": no answer (end of input)");
        if (answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("n")) {
            throw new StepFailed(what + ": the operator could not do it");
        }
    }

    @Override
    public void insert(Drill.Insert card) throws StepFailed {
        String ids = String.format("%04x:%04x", card.vendor(), card.device())
                + (card.subVendor() < 0 ? "" : String.format(" (subsystem %04x:%04x)", card.subVendor(), card.subDevice()));
        ask("slot " + card.slot() + ": insert a card " + ids + " with " + card.ports() + " port(s) and close its handle");
    }

    @Override
    public void handle(int slot, boolean open) throws StepFailed {
        ask("slot " + slot + ": " + (open ? "open" : "close") + " the handle");
    }

    @Override
    public void remove(int slot, boolean planned) throws StepFailed {
        ask(planned ? "slot " + slot + ": pull the card out (its blue LED is lit)"
                : "slot " + slot + ": pull the card out WITHOUT waiting for the blue LED (a surprise removal)");
    }

    @Override
    public void link(int slot, int port, boolean up) throws StepFailed {
        ask("slot " + slot + " port " + port + ": " + (up ? "plug the cable back in (or enable the switch port)"
                : "unplug the cable (or disable the switch port)"));
    }

    @Override
    public void aer(int slot, int port, String kind, int count) throws StepFailed {
        ask("slot " + slot + " port " + port + ": make the card report " + count + " " + kind + " PCIe (AER) error"
                + (count == 1 ? "" : "s") + " (e.g. with the kernel's aer_inject module)");
    }

    @Override
    public void path(int slot, int port, boolean up) throws StepFailed {
        ask("slot " + slot + " port " + port + ": " + (up ? "restore the path beyond the port (switch forwarding, uplink, VLAN)"
                : "cut the path beyond the port but keep its link up (e.g. stop the switch forwarding: remove the port's VLAN or shut the uplink)"));
    }
}
