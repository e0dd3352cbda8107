package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warm pool through the deployed EAR (README "Warm pool"): a PostgreSQL database created while a spare waits is
 * that spare, on its port, answering its published credentials at once; spares never show in the API; the pool
 * refills; SIGKILL of the control plane leaks no spare (the old ones are removed, new ones started) and the
 * database keeps its server. Runs only when the test server has a pool:
 * {@code mvn verify -pl ear -Dit.test=WarmPoolIT -Dit.warm.pool.postgresql=1}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WarmPoolIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return Deployments.strataEar();
    }

    private final Api api = Api.withBootstrapKey();
    private static final Path SPARES = Host.DATA_DIR.resolve("spares");

    @Test
    void aNewDatabaseIsASpareAndNoSpareIsLeaked() throws Exception {
        Assumptions.assumeTrue(Integer.parseInt(System.getProperty("it.warm.pool.postgresql", "0")) > 0,
                "the test server has no warm pool (-Dit.warm.pool.postgresql=1)");
        TestDatabases dbs = new TestDatabases(api, api.workspaceId());
        long before = dbs.total();
        List<String> waiting = awaitSpares();

        Api.Reply created = api.post(dbs.base(), "{\"name\":\"Pooled\",\"slug\":\"pooled\",\"engine\":\"postgresql\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.text("id");
        String jdbc = api.get(dbs.base() + "/" + id + "/connection").text("jdbcUrl");
        int port = api.get(dbs.base() + "/" + id + "/connection").json().get("port").asInt();
        assertThat(waiting).contains("spare-postgresql-" + Host.installedVersion("postgresql") + "-" + port);
        // the published credentials work before the database is even shown ready
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v text)");
            s.execute("INSERT INTO t VALUES ('pooled')");
        }
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(30));
        assertThat(Host.serverProcesses(id)).hasSize(1);
        long pid = Host.serverProcesses(id).get(0);
        assertThat(Host.instanceDirs()).contains(id);
        // spares are no one's databases: the list has exactly the one created
        assertThat(dbs.total()).isEqualTo(before + 1);

        // the pool refills with a spare of another port
        await().atMost(Duration.ofSeconds(60)).until(() -> awaitSpares().stream().anyMatch(s -> !s.endsWith("-" + port)));
        List<String> beforeCrash = freeSpares();
        // a spare is known by its server's processes: a replacement may get the same port, hence the same name
        List<Long> oldSpareProcesses = new java.util.ArrayList<>();
        for (String old : beforeCrash) {
            oldSpareProcesses.addAll(Host.anyProcessOfDir(SPARES.resolve(old)));
        }
        assertThat(oldSpareProcesses).isNotEmpty();

        ControlPlane.kill();
        ControlPlane.start();
        dbs.awaitStatus(id, "ready", Duration.ofSeconds(90));
        // the spares of the killed control plane are gone (their processes too), new ones replace them
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(oldSpareProcesses).noneMatch(Host::isRunning);
            List<String> now = freeSpares();
            assertThat(now).isNotEmpty();
            for (String spare : now) {
                assertThat(Host.anyProcessOfDir(SPARES.resolve(spare))).isNotEmpty().doesNotContainAnyElementsOf(oldSpareProcesses);
            }
        });
        assertThat(Host.serverProcesses(id)).containsExactly(pid);
        assertThat(TestDatabases.queryOne(jdbc, "SELECT v FROM t")).isEqualTo("pooled");

        dbs.deleteAndAwaitGone(id);
        assertThat(Host.anyProcessOf(id)).isEmpty();
        assertThat(freeSpares()).noneMatch(s -> s.endsWith("-" + port));
        assertThat(Files.exists(SPARES.resolve("spare-postgresql-" + Host.installedVersion("postgresql") + "-" + port),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    /** The spare directories (not links: those are adopted spares' former paths) once there is at least one. */
    private static List<String> awaitSpares() throws IOException {
        await().atMost(Duration.ofSeconds(60)).until(() -> !freeSpares().isEmpty());
        return freeSpares();
    }

    private static List<String> freeSpares() throws IOException {
        if (!Files.isDirectory(SPARES)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(SPARES)) {
            return all.filter(p -> !Files.isSymbolicLink(p) && Files.exists(p.resolve("data/postmaster.pid")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
