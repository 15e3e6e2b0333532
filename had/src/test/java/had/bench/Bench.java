package had.bench;

/** `make bench`: every benchmark of had, printed as figures from one run. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        System.out.println("had benchmarks (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ")");
        System.out.println("had's classes in this JVM: " + archive());
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

    /**
     * How this JVM loads had's classes: make bench maps had's class data sharing archive with
     * -Xshare:on, which makes a JVM that cannot map it (another JVM build, another class path)
     * refuse to start rather than fall back to the jars unseen.
     */
    private static String archive() {
        java.util.List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        String file = args.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .map(a -> a.substring("-XX:SharedArchiveFile=".length())).orElse(null);
        boolean required = args.lastIndexOf("-Xshare:on") > Math.max(args.lastIndexOf("-Xshare:auto"), args.lastIndexOf("-Xshare:off"));
        if (file == null) return "loaded from the jars, without had's class data sharing archive (not as bin/had and the package run had)";
        return required ? "mapped from had's class data sharing archive " + file + ", as bin/had and the package run had"
                : "from " + file + " if the JVM could map it (-Xshare:on not given: it may have fallen back to the jars)";
    }
}
