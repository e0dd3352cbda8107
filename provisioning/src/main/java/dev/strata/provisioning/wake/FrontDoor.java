package dev.strata.provisioning.wake;

import dev.strata.provisioning.config.StrataConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Strata's front door for databases that have slept (wake on connect). Once a local database has slept, its server
 * listens on a loopback port of its own and Strata holds the database's public port: while the database sleeps, the
 * first connection asks for a wake and waits, with every connection that follows, until the server is ready; then
 * each is passed through byte for byte (TLS included: the front door never reads the protocol). While the database
 * is awake, connections are passed through at once; while its server restarts (a crash), they wait rather than being
 * refused. So an application sees a delay, never an error, and nobody has to call {@code /wake}.
 * <p>
 * A database may have more than one port held: a local Redis in {@code STRATA_TLS_MODE=prefer} has its TLS port
 * held too (a door each, the server's loopback port behind each); a connection to either wakes it.
 * <p>
 * One selector thread accepts on every held port; each connection that is passed through has two copying threads
 * (a database woken by its clients is a small one). Connections pass through Strata's process: they end when Strata
 * stops, and clients reconnect (to a server that kept running). So that no one can exhaust Strata's threads through a
 * port, the connections held at once (passed through or waiting) are capped per port
 * ({@code STRATA_FRONT_DOOR_MAX_PER_PORT}) and in all ({@code STRATA_FRONT_DOOR_MAX_CONNECTIONS}): a connection
 * beyond either is closed at once.
 */
@ApplicationScoped
public class FrontDoor {

    private static final Logger LOG = Logger.getLogger(FrontDoor.class.getName());
    /** How long a connection waits for its database to wake before it is closed. */
    static final long WAIT_MS = 120_000;

    @Resource
    ManagedThreadFactory managedThreads;

    @Inject
    StrataConfig config;

    /** The caps on connections held at once: per door, and in all (read from the settings when the front door is created). */
    private int maxPerDoor;
    private int maxTotal;
    /** The connections held now by every door (passed through or waiting). */
    private final AtomicInteger held = new AtomicInteger();

    /** Where the front door listens, and what it does when a sleeping database is called. */
    private ThreadFactory threads;
    /** The doors by key: the database's id for its public port, id#1 for its second (TLS) port. */
    private final Map<String, Door> doors = new ConcurrentHashMap<>();
    private Selector selector;
    private Thread acceptor;
    private volatile boolean closed;

    /** One port of a database held by the front door, and the server's loopback port behind it. */
    public record Ports(int publicPort, int serverPort) {
    }

    /** A database's door: one of its public ports, the server's loopback port behind it, and the connections waiting for it. */
    private final class Door {
        final String key;
        final String databaseId;
        final int publicPort;
        volatile int serverPort;
        final ServerSocketChannel listener;
        /** Whether the server answers: connections go straight through. */
        volatile boolean open;
        /** Whether the database sleeps (a caller wakes it). */
        volatile boolean asleep;
        volatile Consumer<String> waker;
        final List<Waiting> waiting = new ArrayList<>();
        final AtomicInteger passing = new AtomicInteger();
        /** The connections this door holds now: passed through or waiting. */
        final AtomicInteger held = new AtomicInteger();
        /** When a refusal was last logged (one warning a minute per door at most). */
        volatile long refusalLogged;
        /** The sockets of connections passed through (closed when the door closes). */
        final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

        Door(String key, String databaseId, int publicPort, int serverPort, ServerSocketChannel listener) {
            this.key = key;
            this.databaseId = databaseId;
            this.publicPort = publicPort;
            this.serverPort = serverPort;
            this.listener = listener;
        }
    }

    private record Waiting(SocketChannel client, long since) {
    }

    /**
     * The caps are read here, when the container creates the front door (at start, see {@link #atStart}): a bad
     * STRATA_FRONT_DOOR_MAX_* value fails the deployment, naming the setting, rather than every sleep later.
     */
    @PostConstruct
    void readCaps() {
        maxPerDoor = config.frontDoorMaxPerPort();
        maxTotal = config.frontDoorMaxConnections();
    }

    /** Creates the front door when the application starts, so that its settings are checked then. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // nothing more: being called created the bean (readCaps)
    }

    /** For tests outside a container: plain daemon threads, the caps given. */
    public static FrontDoor standalone(int maxPerDoor, int maxTotal) {
        FrontDoor f = new FrontDoor();
        f.maxPerDoor = maxPerDoor;
        f.maxTotal = maxTotal;
        f.threads = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
        return f;
    }

    /** For tests outside a container: plain daemon threads, caps no test reaches. */
    public static FrontDoor standalone() {
        return standalone(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * The database sleeps: its ports (the public port first) are held on {@code bindAddress}; the first connection to
     * any of them calls {@code waker} (once per sleep) and waits. Doors of ports no longer given are closed.
     * Idempotent; false when a port cannot be held now (something else listens on it: the caller tries again at its
     * next pass).
     */
    public boolean sleeping(String databaseId, String bindAddress, List<Ports> ports, Consumer<String> waker) {
        boolean all = true;
        for (Door d : doors(databaseId, bindAddress, ports)) {
            if (d == null) {
                all = false;
                continue;
            }
            d.waker = waker;
            synchronized (d.waiting) {
                d.open = false;
                d.asleep = true;
            }
        }
        return all;
    }

    /**
     * The database's server answers on the server port of each of its ports (the public port first): waiting
     * connections go through, and new ones at once.
     */
    public boolean ready(String databaseId, String bindAddress, List<Ports> ports) {
        List<Door> ds = doors(databaseId, bindAddress, ports);
        boolean all = true;
        for (int i = 0; i < ds.size(); i++) {
            Door d = ds.get(i);
            if (d == null) {
                all = false;
                continue;
            }
            d.serverPort = ports.get(i).serverPort();
            d.asleep = false;
            List<Waiting> go;
            synchronized (d.waiting) {
                d.open = true; // under the lock: a connection arriving now is either drained here or passed at once
                go = new ArrayList<>(d.waiting);
                d.waiting.clear();
            }
            for (Waiting w : go) {
                passThrough(d, w.client());
            }
        }
        return all;
    }

    /** The doors of {@code ports} (null where a port cannot be held now); doors of the database's other ports are closed. */
    private List<Door> doors(String databaseId, String bindAddress, List<Ports> ports) {
        List<Door> out = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            out.add(door(key(databaseId, i), databaseId, bindAddress, ports.get(i).publicPort(), ports.get(i).serverPort()));
        }
        for (Door d : doorsOf(databaseId)) {
            if (!out.contains(d) && doors.remove(d.key, d)) {
                closeDoor(d);
            }
        }
        return out;
    }

    private static String key(String databaseId, int index) {
        return index == 0 ? databaseId : databaseId + "#" + index;
    }

    private List<Door> doorsOf(String databaseId) {
        return doors.values().stream().filter(d -> d.databaseId.equals(databaseId)).toList();
    }

    /**
     * The server is being worked on (woken, restarted): new connections wait for {@link #ready} instead of being
     * passed to a server that may not answer.
     */
    public void hold(String databaseId) {
        for (Door d : doorsOf(databaseId)) {
            synchronized (d.waiting) {
                d.open = false;
                d.asleep = false;
            }
        }
    }

    /** The database is deleted: its ports are released, waiting connections closed. */
    public void close(String databaseId) {
        for (Door d : doorsOf(databaseId)) {
            if (doors.remove(d.key, d)) {
                closeDoor(d);
            }
        }
    }

    /** Connections of the database passed through now, on all its ports (for idle detection and tests). */
    public int connections(String databaseId) {
        return doorsOf(databaseId).stream().mapToInt(d -> d.passing.get()).sum();
    }

    @PreDestroy
    public void shutdown() {
        closed = true;
        for (Door d : List.copyOf(doors.values())) {
            close(d.databaseId);
        }
        Selector s = selector;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private Door door(String key, String databaseId, String bindAddress, int publicPort, int serverPort) {
        Door existing = doors.get(key);
        if (existing != null && existing.publicPort == publicPort) {
            existing.serverPort = serverPort;
            return existing;
        }
        synchronized (this) {
            existing = doors.get(key);
            if (existing != null && existing.publicPort == publicPort) {
                return existing;
            }
            if (existing != null && doors.remove(key, existing)) {
                closeDoor(existing);
            }
            ensureAcceptor();
            ServerSocketChannel listener = null;
            try {
                listener = ServerSocketChannel.open();
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), publicPort), 128);
                listener.configureBlocking(false);
                Door d = new Door(key, databaseId, publicPort, serverPort, listener);
                doors.put(key, d);
                selector.wakeup();
                synchronized (registrations) {
                    registrations.add(d);
                }
                selector.wakeup();
                LOG.info(() -> "front door of database " + databaseId + " holds port " + publicPort + " (its server: 127.0.0.1:" + serverPort + ")");
                return d;
            } catch (IOException e) {
                if (listener != null) {
                    try {
                        listener.close();
                    } catch (IOException ignored) {
                        // nothing held
                    }
                }
                LOG.warning("front door of database " + databaseId + ": cannot hold port " + publicPort + ": " + e.getMessage());
                return null;
            }
        }
    }

    private final List<Door> registrations = new ArrayList<>();

    private void ensureAcceptor() {
        if (acceptor != null) {
            return;
        }
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for the front door: " + e.getMessage(), e);
        }
        acceptor = threadFactory().newThread(this::acceptLoop);
        acceptor.setName("strata-front-door");
        acceptor.start();
    }

    private ThreadFactory threadFactory() {
        if (threads == null) {
            threads = managedThreads;
        }
        return threads;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                selector.select(500);
                closePending();
                synchronized (registrations) {
                    for (Door d : registrations) {
                        if (d.listener.isOpen()) {
                            d.listener.register(selector, SelectionKey.OP_ACCEPT, d);
                        }
                    }
                    registrations.clear();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey k = keys.next();
                    keys.remove();
                    if (k.isValid() && k.isAcceptable()) {
                        Door d = (Door) k.attachment();
                        SocketChannel c;
                        while ((c = ((ServerSocketChannel) k.channel()).accept()) != null) {
                            arrived(d, c);
                        }
                    }
                }
                expireWaiting();
                closePending();
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warning("front door: " + e.getMessage());
                }
            }
        }
    }

    private void arrived(Door d, SocketChannel client) {
        if (!admitted(d)) {
            quietly(client);
            return;
        }
        boolean open;
        synchronized (d.waiting) {
            open = d.open;
            if (!open) {
                d.waiting.add(new Waiting(client, System.currentTimeMillis()));
            }
        }
        if (open) {
            passThrough(d, client);
            return;
        }
        LOG.fine(() -> "a connection to port " + d.publicPort + " waits for database " + d.databaseId);
        if (d.asleep) {
            doorsOf(d.databaseId).forEach(other -> other.asleep = false); // one wake, whichever port was called
            Consumer<String> waker = d.waker;
            if (waker != null) {
                LOG.info(() -> "a client connected to sleeping database " + d.databaseId + ": waking it");
                threadFactory().newThread(() -> {
                    try {
                        waker.accept(d.databaseId);
                    } catch (RuntimeException e) {
                        LOG.warning("waking database " + d.databaseId + " for a connection failed: " + e.getMessage());
                        doorsOf(d.databaseId).forEach(other -> other.asleep = true); // the next connection tries again
                    }
                }).start();
            }
        }
    }

    /** Whether the door may hold one more connection (counted if so), within its cap and the front door's. */
    private boolean admitted(Door d) {
        if (d.held.incrementAndGet() > maxPerDoor) {
            d.held.decrementAndGet();
            refused(d, "its port's " + maxPerDoor + " (STRATA_FRONT_DOOR_MAX_PER_PORT)");
            return false;
        }
        if (held.incrementAndGet() > maxTotal) {
            held.decrementAndGet();
            d.held.decrementAndGet();
            refused(d, "the front door's " + maxTotal + " in all (STRATA_FRONT_DOOR_MAX_CONNECTIONS)");
            return false;
        }
        return true;
    }

    /** A connection the door held has ended (or was closed): one place less is taken. */
    private void ended(Door d) {
        d.held.decrementAndGet();
        held.decrementAndGet();
    }

    private static void refused(Door d, String cap) {
        long now = System.currentTimeMillis();
        if (now - d.refusalLogged > 60_000) {
            d.refusalLogged = now;
            LOG.warning("front door of database " + d.databaseId + ": a connection to port " + d.publicPort + " was refused, it would exceed "
                    + cap + " connections held at once (more refusals in the next minute are not logged)");
        }
    }

    /** Connections that waited too long are closed (the database did not wake). */
    private void expireWaiting() {
        long now = System.currentTimeMillis();
        for (Door d : doors.values()) {
            synchronized (d.waiting) {
                d.waiting.removeIf(w -> {
                    if (now - w.since() > WAIT_MS) {
                        LOG.warning("database " + d.databaseId + " did not wake within " + WAIT_MS / 1000 + " s; closing a waiting connection");
                        quietly(w.client());
                        ended(d);
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    /** Connects to the server and copies both ways until either side ends. */
    private void passThrough(Door d, SocketChannel clientChannel) {
        threadFactory().newThread(() -> {
            Socket client = null;
            Socket server = new Socket();
            try {
                clientChannel.configureBlocking(true);
                client = clientChannel.socket();
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), d.serverPort), 5_000);
            } catch (IOException e) {
                LOG.fine(() -> "front door of " + d.databaseId + ": server not reachable: " + e.getMessage());
                quietly(clientChannel);
                closeQuietly(server);
                ended(d);
                return;
            }
            d.passing.incrementAndGet();
            Socket c = client;
            d.sockets.add(c);
            d.sockets.add(server);
            Thread back = threadFactory().newThread(() -> copy(server, c));
            back.setName("strata-front-door-" + d.databaseId + "-out");
            back.start();
            try {
                copy(c, server);
                back.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended(d); // its place is free before it stops counting as passed through
                d.passing.decrementAndGet();
                d.sockets.remove(c);
                d.sockets.remove(server);
                closeQuietly(c);
                closeQuietly(server);
            }
        }).start();
    }

    /** Copies until end of stream, then half-closes the other side (a client's Terminate still reaches the server). */
    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // either side went away: both are closed by the caller
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Releases the door's port before returning: a channel registered with a selector keeps its socket until the
     * selector has dropped its key, so the selector thread drops the key and closes the channel.
     */
    private void closeDoor(Door d) {
        CountDownLatch done = new CountDownLatch(1);
        Selector s = selector;
        if (s != null && acceptor != null && acceptor.isAlive() && Thread.currentThread() != acceptor) {
            synchronized (closing) {
                closing.add(new Closing(d, done));
            }
            s.wakeup();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            release(d);
        }
        synchronized (d.waiting) {
            d.waiting.forEach(w -> {
                quietly(w.client());
                ended(d);
            });
            d.waiting.clear();
        }
        d.sockets.forEach(FrontDoor::closeQuietly);
    }

    private record Closing(Door door, CountDownLatch done) {
    }

    private final List<Closing> closing = new ArrayList<>();

    /** In the selector thread: the doors being closed lose their keys, then their channels. */
    private void closePending() {
        List<Closing> now;
        synchronized (closing) {
            now = new ArrayList<>(closing);
            closing.clear();
        }
        if (now.isEmpty()) {
            return;
        }
        for (Closing c : now) {
            SelectionKey k = c.door().listener.keyFor(selector);
            if (k != null) {
                k.cancel();
            }
        }
        try {
            selector.selectNow(); // drops the cancelled keys
        } catch (IOException e) {
            // the channels are closed below anyway
        }
        for (Closing c : now) {
            release(c.door());
            c.done().countDown();
        }
    }

    private static void release(Door d) {
        try {
            d.listener.close();
        } catch (IOException e) {
            // released anyway
        }
    }

    private static void quietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // gone
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone
        }
    }
}
