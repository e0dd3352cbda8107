package dev.strata.provisioning.driver.local;

/** Exit code and combined output of a finished command. */
public record CommandResult(int exitCode, String output) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** The last lines of the output, enough to explain a failure in a status message. */
    public String tail() {
        String[] lines = output.strip().split("\n");
        int from = Math.max(0, lines.length - 3);
        return String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length)).strip();
    }
}
