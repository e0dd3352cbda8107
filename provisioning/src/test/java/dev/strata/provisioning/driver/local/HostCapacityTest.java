package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.domain.database.Engine;
import dev.strata.provisioning.config.PortRange;
import dev.strata.provisioning.driver.local.HostCapacity.Asked;
import dev.strata.provisioning.driver.local.HostCapacity.Finding;
import dev.strata.provisioning.driver.local.HostCapacity.Host;
import dev.strata.provisioning.driver.local.HostCapacity.Limit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostCapacityTest {

    private static final Set<Engine> ALL = EnumSet.of(Engine.POSTGRESQL, Engine.MYSQL, Engine.REDIS);

    /** 1,000 ports, no warm pool, TLS prefer, wake on connect, every local engine installed. */
    private static Asked asked(String range) {
        return new Asked(PortRange.parse(range), null, 0, true, true, ALL, Map.of("STRATA_HTTP_PORT", 8080, "STRATA_S3_PORT", 9000));
    }

    /** A roomy host (a systemd service with generous limits, Strata as root, servers as "strata"). */
    private static Host roomy() {
        return new Host(32768, 60999, Set.of(), new Limit(524288, 524288), 800, 150, "strata", false,
                new Limit(65536, 524288), new Limit(127000, 127000), "as account strata gets it through runuser", 4194304, 254000, 300);
    }

    private static Host with(Host h, Limit jvmFiles, Limit serverFiles, Limit serverProcs, long pidMax, long threadsMax) {
        return new Host(h.ephemeralFirst(), h.ephemeralLast(), h.reservedPorts(), jvmFiles, h.jvmOpenNow(), h.jvmThreads(), h.account(),
                h.accountIsStrata(), serverFiles, serverProcs, h.serverLimitsSeen(), pidMax, threadsMax, h.otherTasks());
    }

    private static List<String> what(List<Finding> findings) {
        return findings.stream().map(Finding::what).toList();
    }

    @Test
    void aRoomyHostHoldsTheDefaultRange() {
        assertThat(HostCapacity.check(asked("15432-16431"), roomy())).isEmpty();
    }

    @Test
    void unlimitedLimitsAreNeverShort() {
        Host h = with(roomy(), Limit.unlimited(), Limit.unlimited(), Limit.unlimited(), 4194304, 254000);
        assertThat(HostCapacity.check(asked("15432-16431"), h)).isEmpty();
    }

    @Test
    void theJvmsOpenFilesCountTheFrontDoorOfEveryDatabase() {
        // 800 open + 512 spare + 3 × 1,000 (listener and one connection passed through) = 4,312
        Host h = with(roomy(), new Limit(4311, 4311), roomy().serverOpenFiles(), roomy().serverProcesses(), 4194304, 254000);
        List<Finding> f = HostCapacity.check(asked("15432-16431"), h);
        assertThat(what(f)).containsExactly("jvm-open-files");
        assertThat(f.get(0).message()).contains("4,312 needed for 1,000 databases", "its limit is 4,311", "ulimit -n 5120", "LimitNOFILE=5120");

        Host enough = with(roomy(), new Limit(4312, 4312), roomy().serverOpenFiles(), roomy().serverProcesses(), 4194304, 254000);
        assertThat(HostCapacity.check(asked("15432-16431"), enough)).isEmpty();
    }

    @Test
    void withoutWakeOnConnectTheJvmHoldsNothingPerDatabase() {
        Asked noWake = new Asked(PortRange.parse("15432-16431"), null, 0, true, false, ALL, Map.of());
        Host h = with(roomy(), new Limit(1312, 4096), roomy().serverOpenFiles(), roomy().serverProcesses(), 4194304, 254000);
        assertThat(HostCapacity.check(noWake, h)).isEmpty();
        Host shy = with(roomy(), new Limit(1024, 4096), roomy().serverOpenFiles(), roomy().serverProcesses(), 4194304, 254000);
        assertThat(HostCapacity.check(noWake, shy).get(0).message()).contains("1,312 needed", "its limit is 1,024 (RLIMIT_NOFILE, hard 4,096)");
    }

    @Test
    void theAccountsProcessLimitCountsEveryThreadOfTheHeaviestEngine() {
        // MariaDB: 13 tasks per server × 1,000 + 57 for the metadata server and tools
        Host h = with(roomy(), roomy().jvmOpenFiles(), roomy().serverOpenFiles(), new Limit(13056, 13056), 4194304, 254000);
        List<Finding> f = HostCapacity.check(asked("15432-16431"), h);
        assertThat(what(f)).containsExactly("account-processes");
        assertThat(f.get(0).message()).contains("processes of account strata: 13,057 needed for 1,000 databases", "13 per MariaDB server",
                "limit its servers get is 13,056", "strata - nproc 13312", "/etc/security/limits.d/strata.conf");

        // PostgreSQL only: 10 per server
        Asked pg = new Asked(PortRange.parse("15432-16431"), null, 0, true, true, EnumSet.of(Engine.POSTGRESQL), Map.of());
        assertThat(HostCapacity.check(pg, h)).isEmpty();
    }

    @Test
    void whenStrataRunsAsTheAccountItsOwnThreadsCountToo() {
        Host root = with(roomy(), roomy().jvmOpenFiles(), roomy().serverOpenFiles(), new Limit(13100, 13100), 4194304, 254000);
        assertThat(HostCapacity.check(asked("15432-16431"), root)).isEmpty();
        Host self = new Host(32768, 60999, Set.of(), new Limit(524288, 524288), 800, 150, "alice", true, new Limit(65536, 524288),
                new Limit(13100, 13100), "inherited from Strata", 4194304, 254000, 300);
        List<Finding> f = HostCapacity.check(asked("15432-16431"), self);
        // + 150 JVM threads + 2,000 front-door threads
        assertThat(f.get(0).message()).contains("15,207 needed", "Strata's own 150 threads and 2,000 for connections through the front door",
                "ulimit -u 15360", "LimitNPROC=15360");
    }

    @Test
    void kernelTaskLimitsCountServersStrataAndTheRestOfTheHost() {
        // 13,000 + 150 + 2,000 + 300 = 15,450
        Host h = with(roomy(), roomy().jvmOpenFiles(), roomy().serverOpenFiles(), roomy().serverProcesses(), 15449, 15449);
        List<Finding> f = HostCapacity.check(asked("15432-16431"), h);
        assertThat(what(f)).containsExactly("pid-max", "threads-max");
        assertThat(f.get(0).message()).contains("15,450 process ids needed", "sysctl -w kernel.pid_max=4194304");
        assertThat(f.get(1).message()).contains("kernel.threads-max", "15,449");

        Host enough = with(roomy(), roomy().jvmOpenFiles(), roomy().serverOpenFiles(), roomy().serverProcesses(), 15450, 15450);
        assertThat(HostCapacity.check(asked("15432-16431"), enough)).isEmpty();
        // a typical 32768 holds 1,000 servers but not 3,000
        Host typical = with(roomy(), roomy().jvmOpenFiles(), roomy().serverOpenFiles(), roomy().serverProcesses(), 32768, 254000);
        assertThat(HostCapacity.check(asked("15432-16431"), typical)).isEmpty();
        assertThat(what(HostCapacity.check(asked("10000-12999"), typical))).contains("pid-max");
    }

    @Test
    void eachServersOpenFilesAreCheckedPerEngine() {
        // soft 1,024 and hard 4,096 (a login shell's defaults): PostgreSQL is fine, MariaDB and Redis are short
        Host h = with(roomy(), roomy().jvmOpenFiles(), new Limit(1024, 4096), roomy().serverProcesses(), 4194304, 254000);
        List<Finding> f = HostCapacity.check(asked("15432-16431"), h);
        assertThat(what(f)).containsExactly("server-open-files");
        assertThat(f.get(0).message()).contains("MariaDB wants 4,160 (hard limit 4,096", "Redis wants 10,032 (hard limit 4,096: it lowers maxclients to 4,064)",
                "strata - nofile 65536").doesNotContain("PostgreSQL wants");

        Host tiny = with(roomy(), roomy().jvmOpenFiles(), new Limit(256, 65536), roomy().serverProcesses(), 4194304, 254000);
        Asked pg = new Asked(PortRange.parse("15432-16431"), null, 0, true, true, EnumSet.of(Engine.POSTGRESQL), Map.of());
        assertThat(HostCapacity.check(pg, tiny).get(0).message()).contains("PostgreSQL wants 1,000 (soft limit 256");
    }

    @Test
    void aRangeAmongTheEphemeralPortsIsReportedWithTheOverlapAndAReservation() {
        List<Finding> f = HostCapacity.check(asked("32000-32999"), roomy());
        assertThat(what(f)).containsExactly("port-range-ephemeral");
        assertThat(f.get(0).message()).contains("232 of its 1,000 ports", "32768-60999", "net.ipv4.ip_local_reserved_ports=32768-32999", "below 32768");
    }

    @Test
    void reservedPortsDoNotCountAsOverlap() {
        Host h = roomy();
        Set<Integer> reserved = new java.util.HashSet<>();
        for (int p = 32768; p <= 32999; p++) {
            reserved.add(p);
        }
        Host reservedHost = new Host(h.ephemeralFirst(), h.ephemeralLast(), reserved, h.jvmOpenFiles(), h.jvmOpenNow(), h.jvmThreads(), h.account(),
                h.accountIsStrata(), h.serverOpenFiles(), h.serverProcesses(), h.serverLimitsSeen(), h.pidMax(), h.threadsMax(), h.otherTasks());
        assertThat(HostCapacity.check(asked("32000-32999"), reservedHost)).isEmpty();
    }

    @Test
    void strataOwnPortsInsideTheRangeAreNamed() {
        Asked a = new Asked(PortRange.parse("8000-9999"), null, 0, true, true, ALL,
                Map.of("STRATA_HTTP_PORT", 8080, "STRATA_S3_PORT", 9000, "STRATA_S3_TLS_PORT", 9443, "STRATA_METADATA_PORT", 15000));
        List<Finding> f = HostCapacity.check(a, roomy());
        assertThat(what(f)).containsExactly("port-range-own-ports");
        assertThat(f.get(0).message()).contains("8080 (STRATA_HTTP_PORT), 9000 (STRATA_S3_PORT), 9443 (STRATA_S3_TLS_PORT)").doesNotContain("15000");
    }

    @Test
    void warmPoolsThatFillTheRangeLeaveNoPortForDatabases() {
        Asked a = new Asked(PortRange.parse("20000-20003"), null, 4, true, true, ALL, Map.of());
        assertThat(what(HostCapacity.check(a, roomy()))).containsExactly("port-range-warm-pool");
        Asked room = new Asked(PortRange.parse("20000-20004"), null, 4, true, true, ALL, Map.of());
        assertThat(HostCapacity.check(room, roomy())).isEmpty();
    }

    @Test
    void anUnusableRangeIsOneFindingAndNothingElseIsChecked() {
        Asked a = new Asked(null, "STRATA_PORT_RANGE must look like 15432-16431, got 15432", 0, true, true, ALL, Map.of());
        List<Finding> f = HostCapacity.check(a, null);
        assertThat(what(f)).containsExactly("port-range");
        assertThat(f.get(0).message()).contains("got 15432", "No local database can be created");
        assertThat(HostCapacity.summary(a, f)).contains("not checked");
    }

    @Test
    void theSummarySaysHowManyDatabasesTheRangeHolds() {
        assertThat(HostCapacity.summary(asked("15432-16431"), List.of()))
                .contains("holds 1,000 ports", "from 250 to 1,000 databases", "a Redis database takes a second port for TLS",
                        "a database that has slept one more for wake on connect per port",
                        "limits checked for 1,000 database servers: this host holds them");
        Asked pgPool = new Asked(PortRange.parse("15432-16431"), null, 2, true, false, EnumSet.of(Engine.POSTGRESQL), Map.of());
        assertThat(HostCapacity.summary(pgPool, List.of(new Finding("pid-max", "…"))))
                .contains("2 for the warm pools' spares, 998 databases;", "1 shortfall");
    }

    @Test
    void sysctlFilesAreReadWhole() {
        // a sysctl file answers only a read at offset 0: Files.readString read "3" of 32768 here
        java.nio.file.Path pidMax = java.nio.file.Path.of("/proc/sys/kernel/pid_max");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(pidMax), "Linux only");
        assertThat(Long.parseLong(HostCapacityCheck.read(pidMax.toString()).trim())).isGreaterThanOrEqualTo(301);
        assertThat(HostCapacityCheck.read("/proc/sys/net/ipv4/ip_local_port_range").trim()).matches("\\d+\\s+\\d+");
    }

    @Test
    void procFilesAreParsed() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units    \s
                Max processes             96367                96367                processes\s
                Max open files            1024                 524288               files    \s
                Max locked memory         unlimited            unlimited            bytes    \s
                """;
        var parsed = HostCapacityCheck.parseLimits(limits);
        assertThat(parsed.get("Max open files")).isEqualTo(new Limit(1024, 524288));
        assertThat(parsed.get("Max processes")).isEqualTo(new Limit(96367, 96367));
        assertThat(parsed.get("Max locked memory")).isEqualTo(Limit.unlimited());
        assertThat(HostCapacityCheck.reservedPorts("8080,15432-15434\n")).containsExactlyInAnyOrder(8080, 15432, 15433, 15434);
        assertThat(HostCapacityCheck.reservedPorts("\n")).isEmpty();
        assertThat(HostCapacityCheck.hostTasks("0.52 0.58 0.59 3/264 12345\n")).isEqualTo(264);
        assertThat(HostCapacityCheck.uidOf("root:x:0:0::/root:/bin/bash\nstrata:x:998:998::/nonexistent:/usr/sbin/nologin\n", "strata")).isEqualTo(998);
        assertThat(HostCapacityCheck.uidOf("root:x:0:0::/root:/bin/bash\n", "strata")).isNull();
        assertThat(HostCapacityCheck.uidField("Name:\tjava\nUid:\t998\t998\t998\t998\nThreads:\t42\n")).isEqualTo(998);
        assertThat(HostCapacityCheck.uidField("Name:\tjava\n")).isEqualTo(-1);
    }
}
