// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/prometheusexposition.h"
#include "metrics/rackmetrics.h"
#include "prometheustools.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

/// The /metrics exposition: names, units, labels and escaping, and promtool's verdict on it.
class TestRackMetrics : public QObject
{
    Q_OBJECT

    static RackMetrics sampleRack()
    {
        RackMetrics rack;
        rack.version = u"1.2.3"_s;
        rack.startTimeSeconds = 1764576000;
        rack.stacks = {{1, true, u"ok"_s, 4, 0, false, u"cycling"_s}, {2, false, u"ko"_s, 2, 1, true, {}},
            {3, std::nullopt, QString(), 0, 0, false, {}}};
        RackMetrics::Node up {u"s1-n1"_s, 1, 1, true, 1.5,
            QJsonObject {{u"cpu_percent"_s, 12.5}, {u"temperature_c"_s, 48.3},
                {u"memory_total_kib"_s, 4000000}, {u"memory_available_kib"_s, 3000000}, {u"load1"_s, 0.25},
                {u"uptime_s"_s, 3600}, {u"load5"_s, u"unavailable"_s},
                {u"throttled"_s,
                    QJsonObject {
                        {u"raw"_s, u"0x50005"_s}, {u"under_voltage"_s, true}, {u"throttled"_s, false}}}},
            false, u"unhealthy"_s};
        RackMetrics::Node down {u"s2-n1"_s, 2, 1, false, std::nullopt, {}, true, u"ok"_s};
        RackMetrics::Node unplaced {
            u"dc:a6:32:01:02:03"_s, std::nullopt, std::nullopt, true, 0.2, {}, false, u"ok"_s};
        RackMetrics::Node odd {u"we\"ird\\name\nx"_s, 3, 2, false, std::nullopt, {}, false, u"lost"_s};
        rack.nodes = {up, down, unplaced, odd};
        rack.agentsConnected = 2;
        rack.clientsConnected = 1;
        rack.fanOutRounds = 3;
        rack.fanOutDurations.observe(0.05);
        rack.fanOutDurations.observe(0.3);
        rack.fanOutDurations.observe(120);
        rack.installStep = u"discovering"_s;
        return rack;
    }

    static QStringList linesOf(const QByteArray &text) { return QString::fromUtf8(text).split(u'\n'); }

private Q_SLOTS:
    void valuesAreWrittenAsTheFormatWants()
    {
        QCOMPARE(PrometheusExposition::formattedValue(3), QByteArray("3"));
        QCOMPARE(PrometheusExposition::formattedValue(-2), QByteArray("-2"));
        QCOMPARE(PrometheusExposition::formattedValue(0.25), QByteArray("0.25"));
        QCOMPARE(PrometheusExposition::formattedValue(0.1), QByteArray("0.1")); // shortest that reads back
        QCOMPARE(PrometheusExposition::formattedValue(NAN), QByteArray("NaN"));
        QCOMPARE(PrometheusExposition::formattedValue(INFINITY), QByteArray("+Inf"));
        QCOMPARE(PrometheusExposition::formattedValue(-INFINITY), QByteArray("-Inf"));
        QCOMPARE(PrometheusExposition::formattedValue(1e300), QByteArray("1e+300"));
    }

    void labelValuesAndHelpAreEscaped()
    {
        QCOMPARE(PrometheusExposition::escapedLabelValue(u"a\"b\\c\nd"_s), u"a\\\"b\\\\c\\nd"_s);
        QCOMPARE(PrometheusExposition::escapedHelp(u"x\\y\nz \"q\""_s), u"x\\\\y\\nz \"q\""_s);
        QVERIFY(PrometheusExposition::isValidMetricName(u"pirack_node_up"_s));
        QVERIFY(!PrometheusExposition::isValidMetricName(u"2up"_s));
        QVERIFY(!PrometheusExposition::isValidLabelName(u"__name__"_s));
        QVERIFY(!PrometheusExposition::isValidLabelName(u"a-b"_s));
    }

    void aCounterIsDeclaredUnderItsSampleName()
    {
        PrometheusExposition out;
        out.family(u"pirack_relay_switches_total"_s, PrometheusExposition::Type::Counter, u"Switches"_s);
        out.sample({{u"stack"_s, u"1"_s}}, 7);
        QCOMPARE(out.text(),
            QByteArray(
                "# HELP pirack_relay_switches_total Switches\n# TYPE pirack_relay_switches_total counter\n"
                "pirack_relay_switches_total{stack=\"1\"} 7\n"));
    }

    void theRackIsExposedInBaseUnits()
    {
        const QStringList lines = linesOf(sampleRack().exposition());
        const QStringList expected {
            u"pirack_build_info{version=\"1.2.3\"} 1"_s,
            u"pirack_stack_power_on{stack=\"1\"} 1"_s,
            u"pirack_stack_power_on{stack=\"2\"} 0"_s,
            u"pirack_stack_verdict{stack=\"2\",verdict=\"ko\"} 1"_s,
            u"pirack_relay_switch_failures_total{stack=\"2\"} 1"_s,
            u"pirack_node_up{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 1"_s,
            u"pirack_node_up{node=\"s2-n1\",stack=\"2\",slot=\"1\"} 0"_s,
            u"pirack_node_up{node=\"dc:a6:32:01:02:03\",stack=\"\",slot=\"\"} 1"_s,
            u"pirack_node_up{node=\"we\\\"ird\\\\name\\nx\",stack=\"3\",slot=\"2\"} 0"_s,
            u"pirack_node_heartbeat_age_seconds{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 1.5"_s,
            u"pirack_node_cpu_usage_ratio{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 0.125"_s,
            u"pirack_node_temperature_celsius{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 48.3"_s,
            u"pirack_node_memory_total_bytes{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 4096000000"_s,
            u"pirack_node_uptime_seconds{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 3600"_s,
            u"pirack_node_throttling{node=\"s1-n1\",stack=\"1\",slot=\"1\",flag=\"under_voltage\"} 1"_s,
            u"pirack_node_throttling{node=\"s1-n1\",stack=\"1\",slot=\"1\",flag=\"throttled\"} 0"_s,
            u"pirack_agents_connected 2"_s,
            u"pirack_fanout_rounds_total 3"_s,
            u"pirack_fanout_duration_seconds_bucket{le=\"0.1\"} 1"_s,
            u"pirack_fanout_duration_seconds_bucket{le=\"0.5\"} 2"_s,
            u"pirack_fanout_duration_seconds_bucket{le=\"60\"} 2"_s,
            u"pirack_fanout_duration_seconds_bucket{le=\"+Inf\"} 3"_s,
            u"pirack_fanout_duration_seconds_sum 120.35"_s,
            u"pirack_fanout_duration_seconds_count 3"_s,
            u"pirack_install_step{step=\"discovering\"} 1"_s,
            u"pirack_stack_maintenance{stack=\"1\"} 0"_s,
            u"pirack_stack_maintenance{stack=\"2\"} 1"_s,
            u"pirack_stack_recovering{stack=\"1\",phase=\"cycling\"} 1"_s,
            u"pirack_node_maintenance{node=\"s2-n1\",stack=\"2\",slot=\"1\"} 1"_s,
            u"pirack_node_maintenance{node=\"s1-n1\",stack=\"1\",slot=\"1\"} 0"_s,
            u"pirack_node_condition{node=\"s1-n1\",stack=\"1\",slot=\"1\",condition=\"unhealthy\"} 1"_s,
            u"pirack_node_condition{node=\"we\\\"ird\\\\name\\nx\",stack=\"3\",slot=\"2\",condition=\"lost\"} 1"_s,
        };
        for (const QString &line : expected)
            QVERIFY2(lines.contains(line), qPrintable(u"missing: "_s + line));
        // Nothing is made up: no relay state while unknown, no verdict before an install, no figure
        // the Pi called unavailable or never sent.
        for (const QString &line : lines) {
            QVERIFY2(!line.startsWith(u"pirack_stack_power_on{stack=\"3\"}"_s), qPrintable(line));
            QVERIFY2(!line.startsWith(u"pirack_stack_verdict{stack=\"3\""_s), qPrintable(line));
            QVERIFY2(!line.startsWith(u"pirack_stack_recovering{stack=\"2\""_s), qPrintable(line));
            QVERIFY2(!line.startsWith(u"pirack_node_condition{node=\"s2-n1\""_s), qPrintable(line));
            QVERIFY2(!line.startsWith(u"pirack_node_load5{"_s), qPrintable(line));
            QVERIFY2(!line.startsWith(u"pirack_node_temperature_celsius{node=\"s2-n1\""_s), qPrintable(line));
        }
    }

    void everyFamilyIsDeclaredOnce()
    {
        QStringList declared;
        for (const QString &line : linesOf(sampleRack().exposition())) {
            if (line.startsWith(u"# TYPE "_s)) {
                const QString family = line.section(u' ', 2, 2);
                QVERIFY2(!declared.contains(family), qPrintable(family));
                declared.append(family);
            }
        }
        QVERIFY(declared.size() >= 20);
    }

    void promtoolFindsNothingToSay()
    {
        const QString tool = prometheusTool(u"promtool"_s);
        QVERIFY2(!tool.isEmpty(),
            "promtool is missing: scripts/test.sh unpacks Debian's prometheus package into build-tools/");
        for (const RackMetrics &rack : {sampleRack(), RackMetrics {}}) {
            QProcess check;
            check.start(tool, {u"check"_s, u"metrics"_s});
            QVERIFY(check.waitForStarted(10000));
            check.write(rack.exposition());
            check.closeWriteChannel();
            QVERIFY(check.waitForFinished(30000));
            const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
            QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0, said.constData());
            QVERIFY2(said.trimmed().isEmpty(), said.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestRackMetrics)
#include "tst_rackmetrics.moc"
