package dev.strata.provisioning.driver.local;

import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands for database servers. Database servers refuse to run as root, so when Strata itself runs as
 * root every command runs as the unprivileged account {@code STRATA_RUN_AS} (created as a system account on
 * first use); otherwise as Strata's own user.
 */
@ApplicationScoped
public class HostAccount {

    @Inject
    StrataConfig config;

    private volatile boolean ensured;

    /** For CDI. */
    public HostAccount() {
    }

    /** Outside CDI: the metadata server is started before the application's beans exist. */
    public HostAccount(StrataConfig config) {
        this.config = config;
    }

    public boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public String name() {
        return isRoot() ? config.runAs() : System.getProperty("user.name");
    }

    /** Creates the unprivileged account when running as root and it does not exist yet. */
    public void ensure() {
        if (ensured || !isRoot()) {
            return;
        }
        synchronized (this) {
            if (ensured) {
                return;
            }
            String user = config.runAs();
            if (!run(List.of("id", "-u", user), Duration.ofSeconds(10), false).ok()) {
                CommandResult r = run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user), Duration.ofSeconds(30), false);
                if (!r.ok() && !run(List.of("id", "-u", user), Duration.ofSeconds(10), false).ok()) {
                    throw new IllegalStateException("cannot create the account " + user + " that database servers run as: " + r.tail());
                }
            }
            ensured = true;
        }
    }

    /** Whether {@code path} belongs to the account already. */
    public boolean owns(Path path) throws IOException {
        return !isRoot() || Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals(config.runAs());
    }

    /** Makes {@code path} (and everything below it) belong to the account. */
    public void own(Path path) throws IOException {
        if (!isRoot()) {
            return;
        }
        ensure(); // on a fresh host the account may not exist yet (a certificate written before any server ran)
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        var user = lookup.lookupPrincipalByName(config.runAs());
        var group = lookup.lookupPrincipalByGroupName(config.runAs());
        try (var walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    /** Runs {@code command} as the account and waits at most {@code timeout}. */
    public CommandResult runAsAccount(List<String> command, Duration timeout) {
        return run(asAccount(command), timeout, true, null, Map.of());
    }

    /** Like {@link #runAsAccount} with {@code input} on standard input (how secrets reach a client, never argv). */
    public CommandResult runAsAccount(List<String> command, String input, Duration timeout) {
        return run(asAccount(command), timeout, true, input, Map.of());
    }

    /** Like {@link #runAsAccount} with {@code env} added to the command's environment (a password a tool reads from it). */
    public CommandResult runAsAccount(List<String> command, String input, Duration timeout, Map<String, String> env) {
        return run(asAccount(command), timeout, true, input, env);
    }

    /**
     * Starts a long-lived server as the account in a session of its own ({@code setsid -f}), so that it outlives
     * Strata and is not hit by signals meant for Strata; returns once the server has been forked.
     */
    public void startDetached(List<String> command, Path log) {
        List<String> full = new ArrayList<>(List.of("setsid", "-f"));
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(asAccount(full)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not detach within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " could not be started (exit " + p.exitValue() + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command.get(0), e);
        }
    }

    private List<String> asAccount(List<String> command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", config.runAs(), "--"));
        }
        full.addAll(command);
        return full;
    }

    /**
     * Runs {@code command} as the account with its standard output copied into {@code sink} (a backup tool's stream),
     * {@code env} added to its environment (how a tool gets a password: never argv). Throws with the tail of its
     * standard error when it fails or runs longer than {@code timeout}.
     */
    public void pipeFrom(List<String> command, Map<String, String> env, java.io.OutputStream sink, Duration timeout) {
        pipe(command, env, null, sink, timeout);
    }

    /** Runs {@code command} as the account with {@code source} on its standard input (a restore tool reading a stream). */
    public void pipeInto(List<String> command, Map<String, String> env, java.io.InputStream source, Duration timeout) {
        pipe(command, env, source, null, timeout);
    }

    private void pipe(List<String> command, Map<String, String> env, java.io.InputStream source, java.io.OutputStream sink, Duration timeout) {
        java.io.File err = null;
        Process p = null;
        try {
            err = java.io.File.createTempFile("strata-pipe", ".log");
            ProcessBuilder pb = new ProcessBuilder(asAccount(command)).redirectError(err).directory(new java.io.File("/"));
            if (source == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            } else {
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            pb.environment().put("LC_ALL", "C.UTF-8");
            pb.environment().putAll(env);
            p = pb.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            if (source != null) {
                try (var stdin = p.getOutputStream()) {
                    source.transferTo(stdin);
                }
            } else {
                try (var stdout = p.getInputStream()) {
                    stdout.transferTo(sink);
                }
            }
            long left = deadline - System.nanoTime();
            if (!p.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeout.toMinutes() + " min");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed (exit " + p.exitValue() + "): "
                        + new CommandResult(p.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8)).tail());
            }
        } catch (IOException e) {
            String why = e.getMessage();
            try {
                if (p != null && err != null && p.waitFor(5, TimeUnit.SECONDS)) {
                    why += " (" + command.get(0) + ": " + new CommandResult(p.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8)).tail() + ")";
                }
            } catch (IOException | InterruptedException ignored) {
                // the first failure is the one reported
            }
            throw new IllegalStateException("streaming " + command.get(0) + " failed: " + why, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (err != null) {
                err.delete();
            }
        }
    }

    /** Runs a harmless command (a version query) as Strata itself. */
    public CommandResult runHere(List<String> command, Duration timeout) {
        return run(command, timeout, false, null, Map.of());
    }

    private static CommandResult run(List<String> command, Duration timeout, boolean failOnTimeout) {
        return run(command, timeout, failOnTimeout, null, Map.of());
    }

    private static CommandResult run(List<String> command, Duration timeout, boolean failOnTimeout, String input, Map<String, String> env) {
        java.io.File log = null;
        try {
            // output goes to a file, not a pipe: a server a command starts may keep inherited descriptors open
            log = java.io.File.createTempFile("strata-cmd", ".log");
            // in /, not the server's working directory (the account cannot enter it, and tools say so in their output)
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).directory(new java.io.File("/"));
            if (input == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            pb.environment().put("LC_ALL", "C.UTF-8");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (input != null) {
                try (var stdin = p.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                if (failOnTimeout) {
                    throw new IllegalStateException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
                }
                return new CommandResult(-1, "timeout");
            }
            return new CommandResult(p.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (log != null) {
                log.delete();
            }
        }
    }
}
