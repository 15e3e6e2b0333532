package had.network;

/**
 * The bonding driver's four-state view of one slave's link (up, going down, down, going back),
 * declared in the order linux/if_bonding.h numbers them (BOND_LINK_UP, _FAIL, _DOWN, _BACK), which
 * is how rtnetlink reports them. Only {@link #UP} counts as working: a slave "going down" is still
 * the active one until its downdelay runs out, but the driver no longer counts it when it decides
 * the bond's carrier.
 */
public enum MiiStatus {
    UP,
    FAIL,
    DOWN,
    BACK;

    public boolean working() {
        return this == UP;
    }
}
