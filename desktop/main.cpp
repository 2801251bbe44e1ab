// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "client/pinstore.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QMessageBox>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"pirack"_s);
    QApplication::setOrganizationName(u"PiRack"_s);
    QApplication::setApplicationVersion(QStringLiteral(PIRACK_VERSION_STRING));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"PiRack: the rack, its stacks and its Pis, live."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption host(u"host"_s, u"rackd's host"_s, u"host"_s, u"localhost"_s);
    const QCommandLineOption port(u"port"_s, u"rackd's port"_s, u"port"_s, u"7420"_s);
    const QCommandLineOption tokenFile(u"token-file"_s, u"file holding the token"_s, u"file"_s);
    const QCommandLineOption knownRacks(u"known-racks"_s, u"file of trusted racks"_s, u"file"_s, PinStore::defaultPath());
    parser.addOptions({host, port, tokenFile, knownRacks});
    parser.process(app);

    bool portOk = false;
    const uint portNumber = parser.value(port).toUInt(&portOk);
    QString token = qEnvironmentVariable("PIRACK_TOKEN");
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly)) {
            QMessageBox::critical(nullptr, u"PiRack"_s,
                QApplication::tr("Cannot read the token file %1: %2").arg(file.fileName(), file.errorString()));
            return 2;
        }
        token = QString::fromUtf8(file.readLine(4096)).trimmed();
    }
    if (!portOk || portNumber == 0 || portNumber > 65535 || token.isEmpty()) {
        QMessageBox::critical(nullptr, u"PiRack"_s,
            QApplication::tr("Give rackd's --port (1 to 65535) and a token (--token-file FILE or PIRACK_TOKEN)."));
        return 2;
    }
    PinStore pins(parser.value(knownRacks));
    QString error;
    if (!pins.load(&error)) {
        QMessageBox::critical(nullptr, u"PiRack"_s, error);
        return 5;
    }
    RackClient::Options options {parser.value(host), quint16(portNumber), token,
        pins.fingerprint(parser.value(host), quint16(portNumber)), u"pirack " PIRACK_VERSION_STRING ""_s};

    RackState state;
    RackSession session(&state);
    MainWindow window(&session, &state, [&window](const QString &title, const QString &text, const QStringList &details) {
        QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Yes | QMessageBox::Cancel, &window);
        box.setDefaultButton(QMessageBox::Cancel);
        box.setDetailedText(details.join(u'\n'));
        return box.exec() == QMessageBox::Yes;
    });
    // First contact: the operator compares the fingerprint with `rackd --fingerprint` on the master.
    QObject::connect(&session, &RackSession::untrustedServer, &window, [&](const QString &fingerprint) {
        const auto answer = QMessageBox::question(&window, QApplication::tr("Trust this rack?"),
            QApplication::tr("%1:%2 presents the certificate\n\n%3\n\nCompare it with the output of "
                             "\"rackd --fingerprint\" on the master. Trust it from now on?")
                .arg(options.host)
                .arg(options.port)
                .arg(fingerprint));
        if (answer != QMessageBox::Yes)
            return;
        QString pinError;
        if (!pins.pin(options.host, options.port, fingerprint, &pinError))
            QMessageBox::warning(&window, u"PiRack"_s, pinError);
        options.pinnedFingerprint = fingerprint;
        session.open(options);
    });
    QObject::connect(&session, &RackSession::fingerprintMismatch, &window,
        [&window](const QString &pinned, const QString &presented) {
            QMessageBox::critical(&window, QApplication::tr("This is not the rack you trusted"),
                QApplication::tr("The rack presents %1, but %2 is pinned for it. PiRack will not talk to it: "
                                 "someone may be in between, or rackd's key was replaced.")
                    .arg(presented, pinned));
        });
    window.show();
    session.open(options);
    return QApplication::exec();
}
