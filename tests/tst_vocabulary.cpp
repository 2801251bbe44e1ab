// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
// The protocol's words have one home (shared/protocol/vocabulary.h): every name maps back to its
// value, no two values share a name, and no other file of the programs spells a method, an event or
// an action by hand.
#include "protocol/vocabulary.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

template<typename Word>
void checkRoundTrip()
{
    QSet<QString> seen;
    for (Word word : Protocol::all<Word>()) {
        const QString name = Protocol::name(word);
        QVERIFY2(!name.isEmpty(), "a value without a name");
        QVERIFY2(!seen.contains(name), qPrintable(u"\"%1\" names two values"_s.arg(name)));
        seen.insert(name);
        QCOMPARE(Protocol::fromName<Word>(name), std::optional<Word>(word));
    }
    QVERIFY(!Protocol::fromName<Word>(u"no-such-word"_s));
    QVERIFY(!Protocol::fromName<Word>(QString()));
}

} // namespace

class TestVocabulary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyNameMapsBackToItsValue()
    {
        checkRoundTrip<Protocol::Method>();
        checkRoundTrip<Protocol::EventName>();
        checkRoundTrip<Protocol::PowerAction>();
        checkRoundTrip<Protocol::NodeAction>();
    }

    void rolesAndFamilies()
    {
        using Protocol::Method;
        using Protocol::Role;
        QCOMPARE(Protocol::requiredRole(Method::Status), Role::Viewer);
        QCOMPARE(Protocol::requiredRole(Method::Power), Role::Operator);
        QCOMPARE(Protocol::requiredRole(Method::RelayConfirm), Role::Operator);
        QCOMPARE(Protocol::requiredRole(Method::TokenCreate), Role::Admin);
        QCOMPARE(Protocol::requiredRole(Method::InstallStart), Role::Admin);
        QCOMPARE(Protocol::name(Method::InstallAddMac), u"install.add_mac"_s);
        QCOMPARE(Protocol::roleFromName(u"operator"_s), std::optional<Role>(Role::Operator));
        QVERIFY(!Protocol::roleFromName(u"root"_s));
        // exec.result goes to its caller alone: it is no family to subscribe to.
        QCOMPARE(Protocol::eventFamilies(),
            (QStringList {u"relay"_s, u"node"_s, u"dhcp"_s, u"install"_s, u"recovery"_s}));
        QCOMPARE(Protocol::family(Protocol::EventName::DhcpRestated), u"dhcp"_s);
        QVERIFY(!Protocol::isExecAction(Protocol::NodeAction::SetHostname));
        QVERIFY(Protocol::isExecAction(Protocol::NodeAction::Reboot));
        QCOMPARE(Protocol::namesForPeople(Protocol::all<Protocol::PowerAction>()),
            u"on, off, cycle or graceful-off"_s);
    }

    // A name spelt by hand somewhere would not change with the list: every program uses the enums.
    void noProgramSpellsAWordByHand()
    {
        QStringList words;
        for (Protocol::Method method : Protocol::all<Protocol::Method>()) {
            if (Protocol::name(method).contains(u'.'))
                words.append(Protocol::name(method));
        }
        for (Protocol::EventName event : Protocol::all<Protocol::EventName>())
            words.append(Protocol::name(event));
        for (Protocol::NodeAction action : Protocol::all<Protocol::NodeAction>()) {
            if (Protocol::name(action).contains(u'-'))
                words.append(Protocol::name(action));
        }
        words.append(Protocol::name(Protocol::PowerAction::GracefulOff));
        QStringList found;
        for (const QString &folder : {u"rackd"_s, u"desktop"_s, u"shared"_s, u"relay"_s}) {
            QDirIterator it(QStringLiteral(PIRACK_SOURCE_DIR "/") + folder, {u"*.cpp"_s, u"*.h"_s},
                QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                if (path.contains(u"/protocol/vocabulary."_s))
                    continue;
                QFile file(path);
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QList<QByteArray> lines = file.readAll().split('\n');
                for (qsizetype n = 0; n < lines.size(); ++n) {
                    QString line = QString::fromUtf8(lines.at(n));
                    if (line.trimmed().startsWith(u"//"_s) || line.trimmed().startsWith(u"*"_s))
                        continue; // comments may name them
                    for (const QString &comment : {u"///<"_s, u" // "_s}) {
                        if (line.contains(comment))
                            line.truncate(line.indexOf(comment));
                    }
                    for (const QString &word : std::as_const(words)) {
                        if (line.contains(u'"' + word + u'"'))
                            found.append(u"%1:%2: \"%3\""_s.arg(path.mid(int(qstrlen(PIRACK_SOURCE_DIR)) + 1))
                                             .arg(n + 1)
                                             .arg(word));
                    }
                }
            }
        }
        QVERIFY2(found.isEmpty(),
            qPrintable(u"use Protocol::name(...) instead of spelling these:\n"_s + found.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestVocabulary)
#include "tst_vocabulary.moc"
