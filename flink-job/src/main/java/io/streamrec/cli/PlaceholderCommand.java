package io.streamrec.cli;

/** A registered subcommand whose implementation has not landed yet: says so and exits 2. */
public final class PlaceholderCommand implements Command {
    private final String name;
    private final String summary;

    public PlaceholderCommand(String name, String summary) {
        this.name = name;
        this.summary = summary;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary + " (not implemented yet)";
    }

    @Override
    public String usage() {
        return "Usage: streamrec " + name + " ...   (not implemented yet)";
    }

    @Override
    public int run(String[] args) {
        System.err.println("streamrec " + name + ": not implemented yet");
        return 2;
    }
}
