<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ConfirmDialog</name>
    <message numerus="yes">
        <source>{0} %n job(s)?</source>
        <translation>
            <numerusform>{0} %n job?</numerusform>
            <numerusform>{0} %n jobs?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Left as they are: %n other selected job(s) (listed below).</source>
        <translation>
            <numerusform>Left as they are: %n other selected job (listed below).</numerusform>
            <numerusform>Left as they are: %n other selected jobs (listed below).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</source>
        <translation>
            <numerusform>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</numerusform>
            <numerusform>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message numerus="yes">
        <source>%n spec version(s)</source>
        <translation>
            <numerusform>%n spec version</numerusform>
            <numerusform>%n spec versions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message numerus="yes">
        <source>%n progress line(s) hidden</source>
        <translation>
            <numerusform>%n progress line hidden</numerusform>
            <numerusform>%n progress lines hidden</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n workflow(s) {0}</source>
        <translation>
            <numerusform>%n workflow {0}</numerusform>
            <numerusform>%n workflows {0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PodsView</name>
    <message numerus="yes">
        <source>{0} of %n pod(s):</source>
        <translation>
            <numerusform>{0} of %n pod:</numerusform>
            <numerusform>{0} of %n pods:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pod(s):</source>
        <translation>
            <numerusform>%n pod:</numerusform>
            <numerusform>%n pods:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{0} %n pods?</source>
        <translation>
            <numerusform>{0} %n pods?</numerusform>
            <numerusform>{0} %n pods?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0} %n pods&lt;/b&gt;?</source>
        <translation>
            <numerusform>&lt;b&gt;{0} %n pods&lt;/b&gt;?</numerusform>
            <numerusform>&lt;b&gt;{0} %n pods&lt;/b&gt;?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message numerus="yes">
        <source>Stopping %n running pod(s)… {0:.0f} s</source>
        <translation>
            <numerusform>Stopping %n running pod… {0:.0f} s</numerusform>
            <numerusform>Stopping %n running pods… {0:.0f} s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Its %n running pod(s) were stopped first (their jobs end KILLED).</source>
        <translation>
            <numerusform>Its %n running pod were stopped first (their jobs end KILLED).</numerusform>
            <numerusform>Its %n running pods were stopped first (their jobs end KILLED).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pod(s) keep running unsupervised; the engine re-adopts them when it starts again.</source>
        <translation>
            <numerusform>%n pod keep running unsupervised; the engine re-adopts them when it starts again.</numerusform>
            <numerusform>%n pods keep running unsupervised; the engine re-adopts them when it starts again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SpecDiffView</name>
    <message numerus="yes">
        <source>%n line(s) differ</source>
        <translation>
            <numerusform>%n line differ</numerusform>
            <numerusform>%n lines differ</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message numerus="yes">
        <source>Exported %n {0} to {1}</source>
        <translation>
            <numerusform>Exported %n {0} to {1}</numerusform>
            <numerusform>Exported %n {0} to {1}</numerusform>
        </translation>
    </message>
</context>
</TS>
