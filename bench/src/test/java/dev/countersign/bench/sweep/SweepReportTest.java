package dev.countersign.bench.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {

    @TempDir
    Path sweep;

    private void point(String dir, String load, double flowsPerSecond, double p50) throws Exception {
        Files.createDirectories(sweep.resolve(dir));
        Files.writeString(sweep.resolve(dir).resolve("summary.json"), String.format(Locale.ROOT, """
                {"flow":"push","model":"%s",%s,"flowsPerSecond":%s,"completedFlows":600,"failedFlows":0,"errorRate":0,
                 "endToEnd":{"count":600,"meanMs":%s,"p50Ms":%s,"p90Ms":%s,"p99Ms":%s,"maxMs":%s},
                 "steps":{"push 1 track":{"count":600,"meanMs":1,"p50Ms":1,"p90Ms":2,"p99Ms":3,"maxMs":4}},
                 "resources":{"challenge-service":{"processes":1,"cpuSeconds":6,"cpuMsPerFlow":10,"coresBusy":0.1,"peakRssMiB":250},
                              "total":{"processes":0,"cpuSeconds":12,"cpuMsPerFlow":20,"coresBusy":0.2,"peakRssMiB":900}}}
                """, load.startsWith("\"rate") ? "open" : "closed", load, flowsPerSecond, p50, p50, p50 * 2, p50 * 3, p50 * 4));
    }

    @Test
    void pointsAreGatheredIntoTablesAndCharts() throws Exception {
        point("push-c8", "\"concurrency\":8", 100, 20);
        point("push-c4", "\"concurrency\":4", 60, 15);
        point("push-r50", "\"rate\":50", 50, 12);
        point("no-summary-here", "\"concurrency\":1", 1, 1);
        Files.delete(sweep.resolve("no-summary-here/summary.json"));

        SweepReport.main(new String[] {sweep.toString()});

        // Header, then per point one step row and the end-to-end row; concurrency 4 before 8.
        assertThat(Files.readAllLines(sweep.resolve("sweep.csv"))).hasSize(7).element(1).asString()
                .startsWith("push,closed,4,,\"push 1 track\",600,1.0,1.0,2.0,3.0,4.0,60.00,0,");
        assertThat(Files.readString(sweep.resolve("sweep.md"))).contains("| push | 8 concurrent | 100.0 | 0 | 20.0 / 40.0 / 60.0 | 20.00 | 250 |");
        for (String chart : new String[] {"throughput-vs-concurrency", "latency-vs-concurrency-push", "latency-vs-rate-push",
                "throughput-vs-rate-push"}) {
            byte[] png = Files.readAllBytes(sweep.resolve(chart + ".png"));
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
