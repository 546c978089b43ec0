// The local Neo4j 5.26 Community of credit-hub: an embedded DBMS that speaks Bolt on 127.0.0.1.
//
//   java [flags] -cp <classes>:<lib>/* LocalNeo4j <port> <home-dir> [<page-cache-bytes>]
//
// graph/local_neo4j.py fetches the jars (pom.xml), compiles this file into the cache, launches it
// detached and stops it with SIGTERM, which runs the shutdown hook below. The one line
// "READY bolt://127.0.0.1:<port>" on stdout means the default database is available; the
// launcher then blocks until it is told to stop. Anything else on stdout/stderr is Neo4j's log.

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class LocalNeo4j {
    private static final String HOST = "127.0.0.1";
    private static final long MIB = 1024L * 1024L;

    private LocalNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: LocalNeo4j <port> <home-dir> [<page-cache-bytes>]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        // 64 MiB suits the tests' small graphs; a million-node bench graph needs its store cached
        long pageCache = args.length == 3 ? Long.parseLong(args[2]) : 64 * MIB;
        Files.createDirectories(home);
        SocketAddress bolt = new SocketAddress(HOST, port);

        long started = System.nanoTime();
        DatabaseManagementService managementService = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
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
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("READY bolt://" + HOST + ":" + port + " in " + millis + " ms");
        System.out.flush();

        // Block until SIGTERM/SIGINT; System.exit from the signal handler runs the hook above.
        Thread.currentThread().join();
    }
}
