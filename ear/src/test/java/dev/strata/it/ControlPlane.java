package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The Payara Server that runs Strata in the integration tests: SIGKILL it and start it again. */
public final class ControlPlane {

    private ControlPlane() {
    }

    /** A clean stop of the domain (asadmin stop-domain). */
    public static void stop() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("it.payara.home") + "/bin/asadmin", "stop-domain", System.getProperty("it.domain"))
                .redirectErrorStream(true).redirectOutput(new File(System.getProperty("it.data.dir"), "stop.log")).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGKILL of the whole server JVM, as a power cut or the OOM killer would do. */
    public static void kill() throws Exception {
        Path pidFile = domainDir().resolve("config/pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(30, TimeUnit.SECONDS);
        assertThat(server.isAlive()).isFalse();
    }

    /** Starts the domain again (the EAR is still deployed in it) and waits until the API answers. */
    public static void start() throws Exception {
        start(java.util.Map.of(), java.util.Set.of());
    }

    /** As {@link #start()}, with {@code env} added to and {@code unset} removed from the server's environment. */
    public static void start(java.util.Map<String, String> env, java.util.Set<String> unset) throws Exception {
        startDomain(env, unset);
        Api api = Api.withBootstrapKey();
        // a ceiling, not a pause: on a loaded 2-core machine Payara plus the application take up to ~2.5 minutes
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> api.get("/api/v1/workspaces").status() == 200);
    }

    /**
     * Starts the domain with {@code env} added to and {@code unset} removed from its environment, without waiting
     * for the application (whose deployment may be meant to fail).
     */
    public static void startDomain(java.util.Map<String, String> env, java.util.Set<String> unset) throws Exception {
        String home = System.getProperty("it.payara.home");
        ProcessBuilder pb = new ProcessBuilder(home + "/bin/asadmin", "start-domain", System.getProperty("it.domain"))
                .redirectErrorStream(true).redirectOutput(new File(System.getProperty("it.data.dir"), "restart.log"));
        pb.environment().putAll(env);
        unset.forEach(pb.environment()::remove);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    /** The domain's server log. */
    public static Path serverLog() {
        return domainDir().resolve("logs/server.log");
    }

    private static Path domainDir() {
        return Path.of(System.getProperty("it.payara.home"), "glassfish", "domains", System.getProperty("it.domain"));
    }
}
