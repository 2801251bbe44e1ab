// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A real Prometheus server (Debian's, unpacked into build-tools/ by scripts/test.sh) scrapes rackd
// on the virtual rack in loopback mode, verifying rackd's certificate as the shipped configuration
// does, and a Pi's temperature is read back through Prometheus' query API.
#include "prometheustools.h"
#include "virtualrackharness.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

class TestPrometheusScrape : public QObject
{
    Q_OBJECT

    std::unique_ptr<VirtualRackHarness> m_harness;
    QProcess m_prometheus;
    QNetworkAccessManager m_network;

    static quint16 freePort()
    {
        QTcpServer probe;
        return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
    }

    /// One instant query; the result vector (empty while Prometheus has nothing, or on any failure).
    QJsonArray query(quint16 port, const QString &promql)
    {
        QUrl url(u"http://127.0.0.1:%1/api/v1/query"_s.arg(port));
        url.setQuery(QUrlQuery {{u"query"_s, promql}});
        QNetworkReply *reply = m_network.get(QNetworkRequest(url));
        const bool finished = QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (!finished)
            reply->abort();
        reply->deleteLater();
        return answer.value(u"data"_s).toObject().value(u"result"_s).toArray();
    }

    static double valueOf(const QJsonArray &result)
    {
        return result.first()[u"value"_s].toArray().at(1).toString().toDouble();
    }

private Q_SLOTS:
    void cleanup()
    {
        if (m_prometheus.state() != QProcess::NotRunning) {
            m_prometheus.terminate();
            if (!m_prometheus.waitForFinished(10000)) {
                m_prometheus.kill();
                m_prometheus.waitForFinished(5000);
            }
        }
        const QStringList left = VirtualRackHarness::finish(m_harness);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
    }

    void prometheusReadsAPisTemperatureFromRackd()
    {
        const QString program = prometheusTool(u"prometheus"_s);
        QVERIFY2(!program.isEmpty(),
            "prometheus is missing: scripts/test.sh unpacks Debian's package into build-tools/");
        const quint16 httpPort = freePort();
        const quint16 prometheusPort = freePort();
        QVERIFY(httpPort != 0 && prometheusPort != 0);

        VirtualRackOptions options = VirtualRackHarness::quickOptions();
        options.mode = VirtualRackOptions::Mode::Loopback;
        options.rackdConfigLines
            = {u"http_listen_address = 127.0.0.1"_s, u"http_listen_port = %1"_s.arg(httpPort)};
        m_harness = std::make_unique<VirtualRackHarness>();
        QString error;
        QVERIFY2(m_harness->start(options, &error), qPrintable(error));
        VirtualRackHarness &rack = *m_harness;
        QVERIFY(rack.powerOk(u"on"_s, QJsonArray {1}));
        const QString mac = rack.stackPis(1).constFirst()->spec().nic.mac;
        const QString node = rack.stackPis(1).constFirst()->spec().fixedName;
        QVERIFY2(rack.waitUntil([&] { return rack.nodeStates.value(mac) == u"up"; }, 60000),
            qPrintable(node + u" did not come up"_s));

        // The shipped scrape job's TLS settings: rackd's own certificate as the trust anchor, its name.
        const QString folder = rack.dir.filePath(u"prometheus"_s);
        QVERIFY(QDir().mkpath(folder));
        const QByteArray config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                  "scrape_configs:\n  - job_name: pirack\n    scheme: https\n"
                                  "    tls_config:\n      ca_file: "
            + QDir(rack.runDirectory).filePath(u"rackd-state/rackd.crt"_s).toUtf8()
            + "\n      server_name: rackd\n    static_configs:\n      - targets: [\"127.0.0.1:"
            + QByteArray::number(httpPort) + "\"]\n";
        QVERIFY(writeFile(folder + u"/prometheus.yml"_s, config));
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.setStandardOutputFile(folder + u"/prometheus.log"_s);
        m_prometheus.start(program,
            {u"--config.file="_s + folder + u"/prometheus.yml"_s,
                u"--storage.tsdb.path="_s + folder + u"/data"_s,
                u"--web.listen-address=127.0.0.1:%1"_s.arg(prometheusPort)});
        QVERIFY2(m_prometheus.waitForStarted(10000), qPrintable(m_prometheus.errorString()));

        // Scraped, over a verified TLS connection.
        const auto readLog = [&] {
            QFile log(folder + u"/prometheus.log"_s);
            return log.open(QIODevice::ReadOnly) ? log.readAll().right(3000) : QByteArray();
        };
        QJsonArray up;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         up = query(prometheusPort, u"up{job=\"pirack\"}"_s);
                         return !up.isEmpty() && valueOf(up) == 1;
                     },
                     60000),
            readLog().constData());

        // The Pi's temperature, as rackd has it and as Prometheus read it.
        const QString promql = u"pirack_node_temperature_celsius{node=\"%1\",stack=\"1\"}"_s.arg(node);
        QJsonArray temperature;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         temperature = query(prometheusPort, promql);
                         return !temperature.isEmpty();
                     },
                     30000),
            readLog().constData());
        const auto nodes = rack.call(u"nodes"_s);
        QVERIFY(nodes && !nodes->isError());
        double reported = -1;
        for (const QJsonValue &entry : nodes->result.value(u"nodes"_s).toArray()) {
            if (entry[u"mac"_s].toString() == mac)
                reported = entry[u"metrics"_s][u"temperature_c"_s].toDouble(-1);
        }
        QVERIFY2(reported > 20 && reported < 90, qPrintable(QString::number(reported)));
        // The fixture's temperature drifts slowly (it settles over 30 s); a scrape is at most a second old.
        QVERIFY2(qAbs(valueOf(temperature) - reported) < 2.0,
            qPrintable(u"Prometheus %1, rackd %2"_s.arg(valueOf(temperature)).arg(reported)));
        QCOMPARE(temperature.first()[u"metric"_s][u"slot"_s].toString(), u"1"_s);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusScrape)
#include "tst_prometheusscrape.moc"
