package had.bench;

/** `make bench`: every benchmark of had, printed as figures from one run. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        System.out.println("had benchmarks (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ")");
        System.out.println();
        System.out.print(StormBench.report());
        System.out.println();
        System.out.print(AuditBench.report());
        System.out.println();
        System.out.print(FootprintBench.report());
        System.out.println();
        System.out.print(ControlBench.report());
        System.out.println();
        System.out.print(PathBench.report());
        System.out.println();
        System.out.print(FlapBench.report());
        System.out.println();
        System.out.print(MetricsBench.report());
        System.out.println();
        System.out.print(FleetBench.report());
    }
}
