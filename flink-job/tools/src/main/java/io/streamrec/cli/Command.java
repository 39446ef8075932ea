package io.streamrec.cli;

/** A subcommand of {@code bin/streamrec}. */
public interface Command {
    /** The word after {@code streamrec}, e.g. {@code simulate}. */
    String name();

    /** One line for the subcommand list. */
    String summary();

    /** The full usage text, printed on {@code --help} and on bad arguments. */
    String usage();

    /** Runs the subcommand; returns the process exit code. Throw {@link Args.UsageException} for bad arguments. */
    int run(String[] args) throws Exception;
}
