package dev.strata.provisioning.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.config.PortRange;
import dev.strata.provisioning.config.StrataConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A used-up range is a 422 that says what holds it: databases, creates in progress, or other listeners. */
class PortAllocatorTest {

    /** An allocator over the one-port range {@code port}-{@code port}, with {@code used} as the databases' ports. */
    private static PortAllocator allocator(int port, Set<Integer> used) {
        PortAllocator a = new PortAllocator();
        a.config = new StrataConfig() {
            @Override
            public PortRange portRange() {
                return new PortRange(port, port);
            }

            @Override
            public String bindAddress() {
                return "127.0.0.1";
            }
        };
        a.databases = (DatabaseRepository) java.lang.reflect.Proxy.newProxyInstance(DatabaseRepository.class.getClassLoader(),
                new Class<?>[] {DatabaseRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("usedPorts")) {
                        return used;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return a;
    }

    /** A port nothing listens on now (the kernel's choice, then released). */
    private static int somePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRangeHeldByDatabasesSaysSo() throws IOException {
        int port = somePort();
        assertThatThrownBy(() -> allocator(port, Set.of(port)).allocate())
                .isInstanceOf(UnprocessableException.class)
                .hasMessage("no free port left in STRATA_PORT_RANGE " + port + "-" + port + " (1 port: 1 of databases, 0 being given to creates,"
                        + " 0 taken by other listeners on this host, the warm pool's spares among them): delete databases or widen the range");
    }

    @Test
    void aPortGivenToACreateIsNotGivenAgain() throws IOException {
        int port = somePort();
        PortAllocator a = allocator(port, Set.of());
        assertThat(a.allocate()).isEqualTo(port);
        assertThatThrownBy(a::allocate).hasMessageContaining("(1 port: 0 of databases, 1 being given to creates, 0 taken by other listeners");
    }

    @Test
    void aPortSomethingElseListensOnCountsAsTaken() throws IOException {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = other.getLocalPort();
            assertThatThrownBy(() -> allocator(port, Set.of()).allocate())
                    .hasMessageContaining("(1 port: 0 of databases, 0 being given to creates, 1 taken by other listeners on this host");
        }
    }

    @Test
    void thePortOfADatabaseCreatedAndDeletedWithinTheMinuteIsFreeAgain() throws IOException {
        int port = somePort();
        Set<Integer> used = new java.util.HashSet<>();
        PortAllocator a = allocator(port, used);
        assertThat(a.allocate()).isEqualTo(port);
        used.add(port); // the create committed: the database's row holds the port
        assertThatThrownBy(a::allocate).hasMessageContaining("(1 port: 1 of databases, 0 being given to creates");
        used.remove(port); // deleted
        assertThat(a.allocate()).isEqualTo(port);
    }
}
