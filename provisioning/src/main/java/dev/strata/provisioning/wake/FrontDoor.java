package dev.strata.provisioning.wake;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
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
 * One selector thread accepts on every held port; each connection that is passed through has two copying threads
 * (a database woken by its clients is a small one). Connections pass through Strata's process: they end when Strata
 * stops, and clients reconnect (to a server that kept running).
 */
@ApplicationScoped
public class FrontDoor {

    private static final Logger LOG = Logger.getLogger(FrontDoor.class.getName());
    /** How long a connection waits for its database to wake before it is closed. */
    static final long WAIT_MS = 120_000;

    @Resource
    ManagedThreadFactory managedThreads;

    /** Where the front door listens, and what it does when a sleeping database is called. */
    private ThreadFactory threads;
    private final Map<String, Door> doors = new ConcurrentHashMap<>();
    private Selector selector;
    private Thread acceptor;
    private volatile boolean closed;

    /** A database's door: its public port, the server's loopback port, and the connections waiting for it. */
    private final class Door {
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
        final java.util.concurrent.atomic.AtomicInteger passing = new java.util.concurrent.atomic.AtomicInteger();
        /** The sockets of connections passed through (closed when the door closes). */
        final java.util.Set<Socket> sockets = ConcurrentHashMap.newKeySet();

        Door(String databaseId, int publicPort, int serverPort, ServerSocketChannel listener) {
            this.databaseId = databaseId;
            this.publicPort = publicPort;
            this.serverPort = serverPort;
            this.listener = listener;
        }
    }

    private record Waiting(SocketChannel client, long since) {
    }

    /** For tests outside a container: plain daemon threads. */
    public static FrontDoor standalone() {
        FrontDoor f = new FrontDoor();
        f.threads = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
        return f;
    }

    /**
     * The database sleeps: its public port is held on {@code bindAddress}; the first connection calls
     * {@code waker} (once per sleep) and waits. Idempotent; false when the port cannot be held now (something else
     * listens on it: the caller tries again at its next pass).
     */
    public boolean sleeping(String databaseId, String bindAddress, int publicPort, int serverPort, Consumer<String> waker) {
        Door d = door(databaseId, bindAddress, publicPort, serverPort);
        if (d == null) {
            return false;
        }
        d.waker = waker;
        synchronized (d.waiting) {
            d.open = false;
            d.asleep = true;
        }
        return true;
    }

    /** The database's server answers on {@code serverPort}: waiting connections go through, and new ones at once. */
    public boolean ready(String databaseId, String bindAddress, int publicPort, int serverPort) {
        Door d = door(databaseId, bindAddress, publicPort, serverPort);
        if (d == null) {
            return false;
        }
        d.serverPort = serverPort;
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
        return true;
    }

    /**
     * The server is being worked on (woken, restarted): new connections wait for {@link #ready} instead of being
     * passed to a server that may not answer.
     */
    public void hold(String databaseId) {
        Door d = doors.get(databaseId);
        if (d != null) {
            synchronized (d.waiting) {
                d.open = false;
                d.asleep = false;
            }
        }
    }

    /** The database is deleted: its port is released, waiting connections closed. */
    public void close(String databaseId) {
        Door d = doors.remove(databaseId);
        if (d != null) {
            closeDoor(d);
        }
    }

    /** Whether Strata holds the database's public port. */
    public boolean holds(String databaseId) {
        return doors.containsKey(databaseId);
    }

    /** Connections of the database passed through now (for idle detection and tests). */
    public int connections(String databaseId) {
        Door d = doors.get(databaseId);
        return d == null ? 0 : d.passing.get();
    }

    @PreDestroy
    public void shutdown() {
        closed = true;
        for (String id : List.copyOf(doors.keySet())) {
            close(id);
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

    private Door door(String databaseId, String bindAddress, int publicPort, int serverPort) {
        Door existing = doors.get(databaseId);
        if (existing != null && existing.publicPort == publicPort) {
            existing.serverPort = serverPort;
            return existing;
        }
        synchronized (this) {
            existing = doors.get(databaseId);
            if (existing != null && existing.publicPort == publicPort) {
                return existing;
            }
            if (existing != null) {
                close(databaseId);
            }
            ensureAcceptor();
            ServerSocketChannel listener = null;
            try {
                listener = ServerSocketChannel.open();
                listener.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), publicPort), 128);
                listener.configureBlocking(false);
                Door d = new Door(databaseId, publicPort, serverPort, listener);
                doors.put(databaseId, d);
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
            } catch (java.nio.channels.ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warning("front door: " + e.getMessage());
                }
            }
        }
    }

    private void arrived(Door d, SocketChannel client) {
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
        if (d.asleep) {
            d.asleep = false;
            Consumer<String> waker = d.waker;
            if (waker != null) {
                LOG.info(() -> "a client connected to sleeping database " + d.databaseId + ": waking it");
                threadFactory().newThread(() -> {
                    try {
                        waker.accept(d.databaseId);
                    } catch (RuntimeException e) {
                        LOG.warning("waking database " + d.databaseId + " for a connection failed: " + e.getMessage());
                        d.asleep = true; // the next connection tries again
                    }
                }).start();
            }
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
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Selector s = selector;
        if (s != null && acceptor != null && acceptor.isAlive() && Thread.currentThread() != acceptor) {
            synchronized (closing) {
                closing.add(new Closing(d, done));
            }
            s.wakeup();
            try {
                done.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            release(d);
        }
        synchronized (d.waiting) {
            d.waiting.forEach(w -> quietly(w.client()));
            d.waiting.clear();
        }
        d.sockets.forEach(FrontDoor::closeQuietly);
    }

    private record Closing(Door door, java.util.concurrent.CountDownLatch done) {
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
