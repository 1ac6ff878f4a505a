namespace Vigil.Logs.Insights.Functions;

/// <summary>
/// Words that log lines are made of rather than words they carry (English function words, and the verbs and nouns of
/// typical service logs), compared ignoring case. When the shapes of one group of lines overflow, words outside
/// this list are the first to become dynamic: user names, table and host names are seldom in it, "logged", "in" and
/// "from" are. A heuristic on purpose: it only decides what survives an overflow, never what a pattern is otherwise.
/// </summary>
internal static class LogVocabulary
{
    private static readonly HashSet<string> Words = new(
        """
        a about above after again against all also an and any are as at be because been before being below between
        both but by can cannot could did do does doing done down during each else few for from further had has have
        having here how if in into is it its itself just may might more most must no nor not now of off on once only
        or other out over own same should since so some still such than that the their them then there these they
        this those through to too under until up upon very via was we were what when where which while who why will
        with within without would yet you your

        abort aborted accept accepted access accessed account action active add added address after agent alert all
        allocate allocated allowed api app application apply applied attempt attempts auth authenticated
        authentication authorization authorized available backend backup bad batch begin block blocked body boot bound
        buffer build bytes cache cached call called cancel cancelled canceled cannot change changed channel check
        checked checkpoint client close closed closing cluster code commit committed complete completed config
        configuration configured connect connected connecting connection connections consumer container content
        context continue copy count create created creating critical cron current data database db deadline debug
        delete deleted deleting denied deploy deployed detected device disabled disconnect disconnected disk done
        download downloaded drop dropped duration empty enable enabled end ended endpoint entries entry error errors
        event events exceeded exception execute executed execution exist exists exit exited expected expire expired
        failed failure fatal fetch fetched field file files finish finished flush flushed found get got handler
        header headers health healthy heartbeat host http https id ignore ignored index info init initialize
        initialized input insert inserted instance interrupted invalid item items job key keys kill killed latency
        leader limit list listening load loaded local lock locked log logged login logout lost memory message
        messages method metric metrics migration miss missing mode module node not notify null object offset ok open
        opened order output page parse parsed partition password path pending permission pid ping poll pool port
        post process processed processing producer progress put query queue queued read ready reason receive
        received record records redirect refresh refused register registered reject rejected reload remote remove
        removed replica request requests reset resolve resolved resource response restart restarted result retry
        retrying return returned role rollback route running save saved schedule scheduled schema send sending sent
        server service session set shutdown shutting size skip skipped slow socket source start started starting
        state status stop stopped storage stream success successful successfully sync table task terminated thread
        time timeout timed token topic total trace transaction trigger triggered try type unable unavailable
        unhealthy unknown update updated upload uploaded user users using valid validation value version wait waiting
        warn warning worker write written
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Contains(ReadOnlySpan<char> word) => Lookup.Contains(word);
}
