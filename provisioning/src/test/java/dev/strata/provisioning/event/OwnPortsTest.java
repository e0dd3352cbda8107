package dev.strata.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.provisioning.config.PortRange;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnPortsTest {

    @Test
    void configuredPortsAndTheRangeCount() {
        Set<Integer> fixed = OwnPorts.configured(8080, 9000, 9443, 15000);
        assertThat(fixed).contains(8080, 8081, 8048, 9000, 9443, 15000);
        PortRange range = PortRange.parse("15432-16431");
        assertThat(OwnPorts.own(15432, fixed, range, Set.of())).isTrue();
        assertThat(OwnPorts.own(16431, fixed, range, Set.of())).isTrue();
        assertThat(OwnPorts.own(16432, fixed, range, Set.of())).isFalse();
        assertThat(OwnPorts.own(3000, fixed, range, Set.of(3000))).isTrue();
    }

    @Test
    void theProcTableIsReadForListeningSocketsOfThisProcessOnly() {
        List<String> lines = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0000000000000000 100 0 0 10 0",
                "   1: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0000000000000000 100 0 0 10 0",
                "   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0000000000000000 20 4 30 10 -1");
        assertThat(OwnPorts.listeningPorts(lines, Set.of(111L, 333L))).containsExactly(8080);
    }

    @Test
    void aPortThisProcessListensOnIsFound() throws Exception {
        try (ServerSocket s = new ServerSocket(29751, 1, InetAddress.getLoopbackAddress())) {
            if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/fd"))) {
                assertThat(OwnPorts.listening()).contains(s.getLocalPort());
            }
        }
    }
}
