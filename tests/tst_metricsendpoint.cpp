// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpsfetch.h"
#include "prometheustools.h"
#include "protocol/tlsidentity.h"
#include "rackdfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

/// rackd's /metrics over its HTTPS listener: a real rackd, a real HTTP client, promtool on a live scrape.
class TestMetricsEndpoint : public QObject
{
    Q_OBJECT

    using Fetched = HttpsFetched;

    RackdFixture m_fixture;
    std::unique_ptr<Daemon> m_daemon;
    QNetworkAccessManager m_network;

    void startRackd(const QByteArray &extraConfig = {})
    {
        m_daemon.reset();
        QVERIFY(m_fixture.chooseFreeHttpPort());
        m_fixture.extraConfig = extraConfig;
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        QCOMPARE(m_daemon->httpPort(), m_fixture.httpPort);
    }

    Fetched fetch(const QByteArray &method, const QString &path, const QByteArray &authorization = {},
        const QByteArray &body = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        return httpsFetch(m_network, m_daemon->httpPort(), method, path, headers, body);
    }

    static QString line(const QByteArray &exposition, const QString &start)
    {
        for (const QString &candidate : QString::fromUtf8(exposition).split(u'\n')) {
            if (candidate.startsWith(start))
                return candidate;
        }
        return {};
    }

private Q_SLOTS:
    void init() { QVERIFY(m_fixture.dir.isValid()); }
    void cleanup()
    {
        m_daemon.reset();
        m_fixture.forgetState();
    }

    void aLoopbackScrapeShowsTheRackAndPassesPromtool()
    {
        startRackd();
        const Fetched scrape = fetch("GET", u"/metrics"_s);
        QVERIFY2(scrape.error.isEmpty(), qPrintable(scrape.error));
        QCOMPARE(scrape.status, 200);
        QCOMPARE(
            scrape.headers.value("content-type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        // The same identity as the control port: one pinned fingerprint holds for both.
        QCOMPARE(scrape.fingerprint, m_daemon->fingerprint());
        for (int stack = 1; stack <= 3; ++stack)
            QVERIFY2(
                !line(scrape.body, u"pirack_relay_switches_total{stack=\"%1\"} 0"_s.arg(stack)).isEmpty(),
                scrape.body.constData());
        QVERIFY(!line(scrape.body, u"pirack_install_step{step=\"idle\"} 1"_s).isEmpty());

        const QString tool = prometheusTool(u"promtool"_s);
        QVERIFY2(!tool.isEmpty(), "promtool is missing: scripts/test.sh unpacks it into build-tools/");
        QProcess check;
        check.start(tool, {u"check"_s, u"metrics"_s});
        QVERIFY(QTest::qWaitFor([&] { return check.state() == QProcess::Running; }, 10000));
        check.write(scrape.body);
        check.closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&] { return check.state() == QProcess::NotRunning; }, 30000));
        const QByteArray said = check.readAll();
        QVERIFY2(check.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }

    void aSwitchedRelayShowsInTheNextScrape()
    {
        startRackd();
        RackClient admin;
        QVERIFY(connectClient(admin, m_daemon->port(), m_fixture.adminToken, m_daemon->fingerprint()).ready);
        const auto reply = call(admin, u"power"_s, {{u"action"_s, u"on"_s}, {u"stacks"_s, QJsonArray {2}}});
        QVERIFY(reply && !reply->isError());
        const Fetched scrape = fetch("GET", u"/metrics"_s);
        QCOMPARE(scrape.status, 200);
        QCOMPARE(line(scrape.body, u"pirack_stack_power_on{stack=\"2\"}"_s),
            u"pirack_stack_power_on{stack=\"2\"} 1"_s);
        QCOMPARE(line(scrape.body, u"pirack_relay_switches_total{stack=\"2\"}"_s),
            u"pirack_relay_switches_total{stack=\"2\"} 1"_s);
        QCOMPARE(line(scrape.body, u"pirack_clients_connected "_s), u"pirack_clients_connected 1"_s);
    }

    void aMetricsTokenIsRequiredOnceSet()
    {
        const QByteArray token = "scrape-me-9f3c2a61b7e04d58";
        startRackd("metrics_token = " + token + "\n");
        Fetched missing = fetch("GET", u"/metrics"_s);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.headers.value("www-authenticate"), QByteArray("Bearer realm=\"pirack\""));
        const QJsonObject error = QJsonDocument::fromJson(missing.body).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"@Message.ExtendedInfo"_s).toArray().first()[u"MessageId"_s].toString(),
            u"Base.1.22.NoValidSession"_s);
        QCOMPARE(fetch("GET", u"/metrics"_s, "Bearer wrong-token-0000000000").status, 401);
        // A control token is not the metrics token.
        QCOMPARE(fetch("GET", u"/metrics"_s, "Bearer " + m_fixture.adminToken.toUtf8()).status, 401);
        const Fetched scrape = fetch("GET", u"/metrics"_s, "Bearer " + token);
        QCOMPARE(scrape.status, 200);
        QVERIFY(scrape.body.contains("pirack_build_info{version="));
    }

    void wrongPathsAndMethodsGetRedfishErrors()
    {
        startRackd();
        const Fetched unknown = fetch("GET", u"/nowhere"_s);
        QCOMPARE(unknown.status, 404);
        const QJsonObject error = QJsonDocument::fromJson(unknown.body).object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), u"Base.1.22.ResourceNotFound"_s);
        const QJsonObject info = error.value(u"@Message.ExtendedInfo"_s).toArray().first().toObject();
        QCOMPARE(info.value(u"MessageSeverity"_s).toString(), u"Critical"_s);
        QCOMPARE(info.value(u"Severity"_s).toString(), u"Critical"_s);
        QVERIFY(info.value(u"Message"_s).toString().contains(u"/nowhere"_s));

        const Fetched posted = fetch("POST", u"/metrics"_s, {}, "x");
        QCOMPARE(posted.status, 405);
        QCOMPARE(posted.headers.value("allow"), QByteArray("GET"));
    }

    void theListenerCanBeTurnedOff()
    {
        m_fixture.httpPort = 0;
        m_fixture.extraConfig.clear();
        QVERIFY(m_fixture.prepare());
        QString error;
        m_daemon = m_fixture.start(&error);
        QVERIFY2(m_daemon, qPrintable(error));
        QCOMPARE(m_daemon->httpPort(), quint16(0));
    }
};

QTEST_GUILESS_MAIN(TestMetricsEndpoint)
#include "tst_metricsendpoint.moc"
