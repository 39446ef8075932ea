package io.streamrec.launcher;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.cli.JobCommand;
import io.streamrec.demo.DemoCommand;
import io.streamrec.kafka.KafkaCommand;
import io.streamrec.sim.SimulateCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The entry point of the shaded jar and of {@code bin/streamrec}: dispatches to subcommands. */
public final class Main {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Main() {
        for (Command c : defaultCommands()) {
            commands.put(c.name(), c);
        }
    }

    static List<Command> defaultCommands() {
        List<Command> list = new ArrayList<>();
        list.add(new DemoCommand());
        list.add(new SimulateCommand());
        list.add(new KafkaCommand());
        list.add(new JobCommand());
        list.add(new io.streamrec.eval.EvaluateCommand());
        list.add(new io.streamrec.bench.BenchCommand());
        list.add(new io.streamrec.faults.FaultsCommand());
        list.add(new io.streamrec.storefront.StorefrontCommand());
        list.add(new io.streamrec.lifecycle.ModelCommand());
        list.add(new io.streamrec.lifecycle.RetrainCommand());
        return list;
    }

    public static void main(String[] args) {
        int code = new Main().run(args, System.out, System.err);
        // A successful job run returns normally: under `flink run` the client must not be killed by System.exit.
        // Everything else exits, so that stray non-daemon threads (Kafka clients, Flink) cannot keep the JVM alive.
        if (code != 0 || !isJob(args)) {
            System.exit(code);
        }
    }

    private static boolean isJob(String[] args) {
        return args.length > 0 && (args[0].equals("job") || isOption(args[0]));
    }

    private static boolean isOption(String arg) {
        return arg.startsWith("-") && !arg.equals("--help") && !arg.equals("-h");
    }

    /** Runs a command line; returns the exit code. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(overview());
            return 0;
        }
        if (isOption(args[0])) {
            // `streamrec --config f.yaml`: options without a subcommand go to the job.
            args = prepend("job", args);
        }
        Command c = commands.get(args[0]);
        if (c == null) {
            err.println("streamrec: unknown subcommand '" + args[0] + "'");
            err.println(overview());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (Args.UsageException e) {
            // One line and a hint: the full usage would scroll the error off the screen.
            err.println("streamrec " + c.name() + ": " + e.getMessage());
            err.println("Run 'streamrec " + c.name() + " --help' for its options.");
            return 2;
        } catch (Exception e) {
            err.println("streamrec " + c.name() + ": failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] a = new String[rest.length + 1];
        a[0] = first;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    public String overview() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: streamrec <subcommand> [options]    (streamrec <subcommand> --help for its options)\n\n");
        sb.append("Subcommands:\n");
        for (Command c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        return sb.toString().stripTrailing();
    }
}
