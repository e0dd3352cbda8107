package dev.strata.provisioning.wake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        assertTrue(door.sleeping("db_1", "127.0.0.1", publicPort, serverPort, id -> {
            wakes.incrementAndGet();
            // the "server" starts a little later, as a real one does; the door learns it answers from the reconciler
            CompletableFuture.runAsync(() -> {
                echoServer(serverPort);
                door.ready("db_1", "127.0.0.1", publicPort, serverPort);
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
        door.ready("db_2", "127.0.0.1", publicPort, serverPort);
        assertEquals("before", roundTrip(publicPort, "before"));
        door.hold("db_2");
        first.close();
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> roundTrip(publicPort, "during"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
        echoServer(restartedPort);
        door.ready("db_2", "127.0.0.1", publicPort, restartedPort);
        assertEquals("during", waiting.get(10, TimeUnit.SECONDS));
    }

    @Test
    void connectionsPassedThroughAreCountedAndClosingTheDoorReleasesThePort() throws Exception {
        echoServer(serverPort);
        door.ready("db_3", "127.0.0.1", publicPort, serverPort);
        try (Socket s = new Socket("127.0.0.1", publicPort)) {
            s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("x", readLine(s.getInputStream()));
            assertEquals(1, door.connections("db_3"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> door.connections("db_3") == 0);
        assertTrue(door.holds("db_3"));
        door.close("db_3");
        assertFalse(door.holds("db_3"));
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true); // as database servers do (connections that ended may be in TIME_WAIT)
            again.bind(new InetSocketAddress("127.0.0.1", publicPort)); // the port is free for the database's own server
        }
    }

    @Test
    void aPortSomethingElseHoldsIsReportedNotTaken() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", publicPort));
            assertFalse(door.sleeping("db_4", "127.0.0.1", publicPort, serverPort, id -> { }));
            assertFalse(door.holds("db_4"));
        }
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
