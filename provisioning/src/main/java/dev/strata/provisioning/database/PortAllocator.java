package dev.strata.provisioning.database;

import dev.strata.domain.database.DatabaseRepository;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.config.PortRange;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each local database server a port of {@code STRATA_PORT_RANGE} that no other database holds and nothing
 * else on the host listens on. A port given out stays reserved in memory until a database's row holds it (at most a
 * minute), so two creates that run at once never get the same port before either has committed (the unique
 * constraint is the last guard).
 */
@ApplicationScoped
public class PortAllocator {

    private static final long RESERVATION_SECONDS = 60;

    @Inject
    DatabaseRepository databases;

    @Inject
    StrataConfig config;

    private final Map<Integer, Instant> reserved = new ConcurrentHashMap<>();

    public synchronized int allocate() {
        Instant now = Instant.now();
        reserved.values().removeIf(until -> until.isBefore(now));
        Set<Integer> used = databases.usedPorts();
        // a reservation only bridges the time until the create commits: once a database holds the port, its row does
        // (otherwise the ports of databases created and deleted within the minute stay reserved: a bench creating 100
        // databases right after 80 short-lived ones found its 300 ports exhausted)
        reserved.keySet().removeIf(used::contains);
        PortRange range = config.portRange();
        for (int port = range.first(); port <= range.last(); port++) {
            if (!used.contains(port) && !reserved.containsKey(port) && free(port)) {
                reserved.put(port, now.plusSeconds(RESERVATION_SECONDS));
                return port;
            }
        }
        // what holds the range, so that the answer says whether deleting databases would help at all
        int size = range.last() - range.first() + 1;
        long ofDatabases = used.stream().filter(p -> p >= range.first() && p <= range.last()).count();
        long givenOut = reserved.keySet().stream().filter(p -> p >= range.first() && p <= range.last() && !used.contains(p)).count();
        long taken = size - ofDatabases - givenOut;
        throw new UnprocessableException("no free port left in STRATA_PORT_RANGE " + range.first() + "-" + range.last() + " (" + size
                + (size == 1 ? " port: " : " ports: ") + ofDatabases + " of databases, " + givenOut + " being given to creates, " + taken
                + " taken by other listeners on this host, the warm pool's spares among them): delete databases or widen the range");
    }

    private boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
