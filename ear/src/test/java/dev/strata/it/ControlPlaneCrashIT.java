package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGKILL of the control plane (the whole Payara Server JVM) while a database is provisioning: after a restart the
 * database reaches ready with exactly one server process and no leftover directory, and a database that was
 * already running kept running through the crash and is adopted, not started a second time.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ControlPlaneCrashIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();

    @Test
    void killedWhileProvisioningThenRestarted() throws Exception {
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        String running = dbs.create("survivor");
        dbs.awaitStatus(running, "ready", Duration.ofSeconds(60));
        String jdbc = api.get(dbs.base() + "/" + running + "/connection").text("jdbcUrl");
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v text)");
            s.execute("INSERT INTO t VALUES ('before the crash')");
        }
        long survivorPid = Host.serverProcesses(running).get(0);

        Api.Reply created = api.post(dbs.base(), "{\"name\":\"Crashy\",\"slug\":\"crashy\",\"engine\":\"postgresql\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("provisioning");
        String crashy = created.text("id");
        ControlPlane.kill();

        // while Strata is down, the running database keeps serving
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT v FROM t")).isEqualTo("before the crash");
        }

        ControlPlane.start();
        dbs.awaitStatus(crashy, "ready", Duration.ofSeconds(90));
        assertThat(Host.serverProcesses(crashy)).hasSize(1);
        assertThat(leftovers(crashy)).isEmpty();

        // adopted: the same process as before the crash, not a second one
        assertThat(api.get(dbs.base() + "/" + running).text("status")).isEqualTo("ready");
        assertThat(Host.serverProcesses(running)).containsExactly(survivorPid);
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT v FROM t")).isEqualTo("before the crash");
        }

        dbs.deleteAndAwaitGone(crashy);
        dbs.deleteAndAwaitGone(running);
        assertThat(Host.anyProcessOf(crashy)).isEmpty();
        assertThat(Host.anyProcessOf(running)).isEmpty();
        assertThat(Host.instanceDirs()).doesNotContain(crashy, running);
    }

    /** Anything in the instance directory that a finished create would not leave (scratch dirs, password files). */
    private static List<String> leftovers(String id) throws Exception {
        try (Stream<Path> s = Files.list(Host.instanceDir(id))) {
            // what a finished PostgreSQL database has: its data, its log and its TLS certificate; nothing half-made
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("data") && !n.equals("server.log") && !n.equals("tls")).toList();
        }
    }

    private static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
