package dev.strata.provisioning.wake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.provisioning.config.StrataConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The front door with a real echo server behind it: waking on the first connection, waiting, passing through. */
class FrontDoorTest {

    /**
     * Ports 30400-30414, three of its own for each test (public, server, restarted server): a closed listener's port may
     * linger while its accept thread leaves, so no test binds a port another one used.
     */
    private static final AtomicInteger NEXT = new AtomicInteger(30400);
    private final int publicPort = NEXT.getAndIncrement();
    private final int serverPort = NEXT.getAndIncrement();
    /** Where the server listens after its restart. */
    private final int restartedPort = NEXT.getAndIncrement();
    /** Ports 30430-30449 for the tests that need more (a second door, its server): two at a time. */
    private static final AtomicInteger MORE = new AtomicInteger(30430);

    private final FrontDoor door = FrontDoor.standalone();
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        door.shutdown();
        for (ServerSocket s : servers) {
            s.close();
        }
    }

    @Test
    void theFirstConnectionWakesTheDatabaseAndEveryConnectionIsPassedThroughOnceItIsReady() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        assertTrue(door.sleeping("db_1", "127.0.0.1", one(publicPort, serverPort), id -> {
            wakes.incrementAndGet();
            // the "server" starts a little later, as a real one does; the door learns it answers from the reconciler
            CompletableFuture.runAsync(() -> {
                echoServer(serverPort);
                door.ready("db_1", "127.0.0.1", one(publicPort, serverPort));
            }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        }));
        List<CompletableFuture<String>> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            clients.add(CompletableFuture.supplyAsync(() -> roundTrip(publicPort, "hello " + n)));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("hello " + i, clients.get(i).get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, wakes.get(), "one wake for all the connections that waited");
        // awake: straight through
        assertEquals("again", roundTrip(publicPort, "again"));
        assertEquals(1, wakes.get());
    }

    @Test
    void whileTheServerRestartsConnectionsWaitInsteadOfBeingRefused() throws Exception {
        ServerSocket first = echoServer(serverPort);
        door.ready("db_2", "127.0.0.1", one(publicPort, serverPort));
        assertEquals("before", roundTrip(publicPort, "before"));
        door.hold("db_2");
        first.close();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> roundTrip(publicPort, "during"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
        echoServer(restartedPort);
        door.ready("db_2", "127.0.0.1", one(publicPort, restartedPort));
        assertEquals("during", waiting.get(10, TimeUnit.SECONDS));
    }

    @Test
    void connectionsPassedThroughAreCountedAndClosingTheDoorReleasesThePort() throws Exception {
        echoServer(serverPort);
        door.ready("db_3", "127.0.0.1", one(publicPort, serverPort));
        try (Socket s = new Socket("127.0.0.1", publicPort)) {
            s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("x", readLine(s.getInputStream()));
            assertEquals(1, door.connections("db_3"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> door.connections("db_3") == 0);
        assertEquals("still held", roundTrip(publicPort, "still held"));
        door.close("db_3");
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true); // as database servers do (connections that ended may be in TIME_WAIT)
            again.bind(new InetSocketAddress("127.0.0.1", publicPort)); // the port is free for the database's own server
        }
    }

    @Test
    void aDatabaseWithASecondPortIsWokenThroughEitherAndItsConnectionsAreCountedOnBoth() throws Exception {
        int tlsPublic = MORE.getAndIncrement();
        int tlsServer = MORE.getAndIncrement();
        List<FrontDoor.Ports> ports = List.of(new FrontDoor.Ports(publicPort, serverPort), new FrontDoor.Ports(tlsPublic, tlsServer));
        AtomicInteger wakes = new AtomicInteger();
        CountDownLatch woken = new CountDownLatch(1);
        assertTrue(door.sleeping("db_6", "127.0.0.1", ports, id -> {
            wakes.incrementAndGet();
            try {
                woken.await(); // the wake takes until the test releases it
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            echoServer(serverPort);
            echoServer(tlsServer);
            door.ready("db_6", "127.0.0.1", ports);
        }));
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(FrontDoor.class.getName());
        Level level = log.getLevel();
        Handler seen = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        seen.setLevel(Level.FINE);
        log.setLevel(Level.FINE);
        log.addHandler(seen);
        try {
            // the first connection comes to the second port: it wakes the database; a connection to the first port
            // made while the wake goes on waits for the same wake (no second one), and both go through once it is ready
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> roundTrip(tlsPublic, "over tls"));
            await().atMost(Duration.ofSeconds(5)).until(() -> wakes.get() == 1);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> roundTrip(publicPort, "plain"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> logged.contains("a connection to port " + publicPort + " waits for database db_6"));
            assertEquals(1, wakes.get(), "the connection to the first port shares the wake the second port's asked for");
            assertFalse(first.isDone() || second.isDone(), "both wait for the wake");
            woken.countDown();
            assertEquals("over tls", second.get(10, TimeUnit.SECONDS));
            assertEquals("plain", first.get(10, TimeUnit.SECONDS));
            assertEquals(1, wakes.get());
        } finally {
            woken.countDown();
            log.removeHandler(seen);
            log.setLevel(level);
        }
        try (Socket a = new Socket("127.0.0.1", publicPort); Socket b = new Socket("127.0.0.1", tlsPublic)) {
            for (Socket s : List.of(a, b)) {
                s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("x", readLine(s.getInputStream()));
            }
            assertEquals(2, door.connections("db_6"));
        }
        door.close("db_6");
        assertTrue(assertThrowsConnect(publicPort), "the first port is released");
        assertTrue(assertThrowsConnect(tlsPublic), "the second port is released too");
    }

    @Test
    void connectionsBeyondTheCapOfAPortOrOfTheFrontDoorAreRefusedAndTheirPlacesComeBack() throws Exception {
        FrontDoor capped = FrontDoor.standalone(2, 3);
        int otherPublic = MORE.getAndIncrement();
        int otherServer = MORE.getAndIncrement();
        try {
            echoServer(serverPort);
            echoServer(otherServer);
            capped.ready("db_7", "127.0.0.1", one(publicPort, serverPort));
            capped.ready("db_8", "127.0.0.1", one(otherPublic, otherServer));
            try (Socket a = connected(publicPort); Socket b = connected(publicPort)) {
                // the port's cap: two
                assertTrue(refused(publicPort), "a third connection to the port is refused");
                assertEquals(2, capped.connections("db_7"));
                try (Socket c = connected(otherPublic)) {
                    // the front door's cap: three in all, though db_8's port has room
                    assertTrue(refused(otherPublic), "a fourth connection in all is refused");
                    assertEquals(1, capped.connections("db_8"));
                }
                // a place counts until its connection stops counting as passed through
                await().atMost(Duration.ofSeconds(5)).until(() -> capped.connections("db_8") == 0);
                try (Socket c = connected(otherPublic)) {
                    assertEquals(3, capped.connections("db_7") + capped.connections("db_8"));
                }
            }
            // the places come back when connections end
            await().atMost(Duration.ofSeconds(5)).until(() -> capped.connections("db_7") + capped.connections("db_8") == 0);
            try (Socket a = connected(publicPort); Socket b = connected(publicPort)) {
                assertEquals(2, capped.connections("db_7"));
            }
        } finally {
            capped.shutdown();
        }
    }

    private static List<FrontDoor.Ports> one(int publicPort, int serverPort) {
        return List.of(new FrontDoor.Ports(publicPort, serverPort));
    }

    /** A connection through the door, checked with a round trip (so it is passed through, not merely accepted). */
    private static Socket connected(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("x", readLine(s.getInputStream()));
        return s;
    }

    /** Whether a connection to the port is closed by the door without an answer. */
    private static boolean refused(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset: closed by the door before the write reached it
        }
    }

    @Test
    void aBadCapFailsTheFrontDoorWhenItIsCreatedNamingTheSetting() {
        System.setProperty("STRATA_FRONT_DOOR_MAX_PER_PORT", "0");
        try {
            FrontDoor created = new FrontDoor();
            created.config = new StrataConfig();
            IllegalStateException e = assertThrows(IllegalStateException.class, created::readCaps);
            assertTrue(e.getMessage().contains("STRATA_FRONT_DOOR_MAX_PER_PORT"), e.getMessage());
        } finally {
            System.clearProperty("STRATA_FRONT_DOOR_MAX_PER_PORT");
        }
    }

    @Test
    void aPortSomethingElseHoldsIsReportedNotTaken() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", publicPort));
            assertFalse(door.sleeping("db_4", "127.0.0.1", one(publicPort, serverPort), id -> { }));
        }
        assertTrue(assertThrowsConnect(publicPort), "the door did not take the port once it was free");
    }

    @Test
    void withoutADoorThePortRefuses() {
        assertTrue(assertThrowsConnect(publicPort));
    }

    private static boolean assertThrowsConnect(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String roundTrip(int port, String text) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readLine(s.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** A line echo server on 127.0.0.1:port, one thread per connection. */
    private ServerSocket echoServer(int port) {
        try {
            ServerSocket ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress("127.0.0.1", port));
            servers.add(ss);
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket c = ss.accept();
                        Thread h = new Thread(() -> {
                            try (c) {
                                String line;
                                while (!(line = readLine(c.getInputStream())).isEmpty()) {
                                    c.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                                }
                            } catch (IOException e) {
                                // client gone
                            }
                        });
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            return ss;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
