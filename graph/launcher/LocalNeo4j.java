// The local Neo4j 5.26 Community of credit-hub: an embedded DBMS that speaks Bolt on 127.0.0.1.
//
//   java [flags] -cp <classes>:<lib>/* LocalNeo4j <port> <home-dir> <page-cache-bytes> <password-file>
//
// Authentication is on. The password of the user neo4j is the one line of <password-file> (0600,
// written by graph/local_neo4j.py). At the first start it goes into the initial user store the way
// `neo4j-admin dbms set-initial-password` writes it, before Bolt ever listens; a database made
// before (without that store) gets it through the system database once. <home-dir>/neo4j.auth
// holds a digest of the password in force, so later starts do nothing more.
//
// graph/local_neo4j.py fetches the jars (pom.xml), compiles this file into the cache, launches it
// detached and stops it with SIGTERM, which runs the shutdown hook below. The one line
// "READY bolt://127.0.0.1:<port>" on stdout means the default database is available; the
// launcher then blocks until it is told to stop. Anything else on stdout/stderr is Neo4j's log.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.Level;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

public final class LocalNeo4j {
    private static final String HOST = "127.0.0.1";
    private static final long MIB = 1024L * 1024L;
    private static final String USER = "neo4j";
    private static final String APPLIED = "neo4j.auth";

    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LocalNeo4j <port> <home-dir> <page-cache-bytes> <password-file>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        // 64 MiB suits the tests' small graphs; a million-node bench graph needs its store cached
        long pageCache = Long.parseLong(args[2]);
        String password = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).strip();
        if (password.length() < 8) {
            System.err.println("FAILED the password file holds fewer than 8 characters");
            System.exit(2);
        }
        Files.createDirectories(home);
        SocketAddress bolt = new SocketAddress(HOST, port);
        String digest = digest(password);
        boolean applied = digest.equals(readApplied(home));
        boolean firstStart = !Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"));
        if (firstStart) {
            writeInitialPassword(home, password);
        }

        long started = System.nanoTime();
        DatabaseManagementService managementService = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 16 * MIB)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // every query would otherwise be written to logs/query.log
                .setConfig(GraphDatabaseSettings.log_queries, GraphDatabaseSettings.LogQueryLevel.OFF)
                // Netty's graceful shutdown otherwise idles 2 x 5 s before the JVM may exit
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                .build();

        Thread shutdown = new Thread(() -> {
            System.out.println("STOPPING");
            System.out.flush();
            managementService.shutdown();
            System.out.println("STOPPED");
            System.out.flush();
        }, "local-neo4j-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        GraphDatabaseService db = managementService.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
            System.err.println("FAILED the default database did not become available");
            System.exit(1);
        }
        if (!firstStart && !applied) {
            // a database made before authentication was on: its neo4j user gets the password now
            managementService.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        }
        if (!applied) {
            Files.writeString(home.resolve(APPLIED), digest + "\n", StandardCharsets.UTF_8);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("READY bolt://" + HOST + ":" + port + " in " + millis + " ms");
        System.out.flush();

        // Block until SIGTERM/SIGINT; System.exit from the signal handler runs the hook above.
        Thread.currentThread().join();
    }

    /** What `neo4j-admin dbms set-initial-password` does: the store the first start reads. */
    private static void writeInitialPassword(Path home, String password) throws Exception {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path store = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            if (fs.fileExists(store)) {
                fs.deleteFile(store);
            }
            FileUserRepository users = new FileUserRepository(
                    fs, store, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            users.start();
            SystemGraphCredential credential = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            users.create(new User(USER, null, credential, false, false));
            users.shutdown();
        }
    }

    private static String readApplied(Path home) {
        try {
            return Files.readString(home.resolve(APPLIED), StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException missing) {
            return "";
        }
    }

    private static String digest(String password) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
    }
}
