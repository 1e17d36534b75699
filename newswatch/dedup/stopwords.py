"""Function words of the languages the default profile reads, dropped before text comparison."""

from __future__ import annotations

_EN = """about above after again against all also and any are because been before being below
between both but can could did does doing down during each few for from further had has have
having her here hers him his how its into itself just more most new not now off once only other
our ours out over own said same says she should some such than that the their theirs them then
there these they this those through too under until very was were what when where which while
who whom why will with would you your yesterday today week according told reported reports
one two three first last also year years"""
_FR = """aux avec ces cette dans des donc elle elles est été être fait ils les leur leurs lui mais
même mes nos notre nous par pas plus pour qui que quel quelle sans ses son sont sur tous tout
très une vers selon ainsi entre après avant depuis déjà lors dont mardi lundi mercredi jeudi
vendredi samedi dimanche avait ont aussi comme été était"""
_DE = """aber alle als also auch auf aus bei bis das dass dem den der des die dies diese dieser
durch ein eine einem einen einer eines für gegen hat hatte hier ihr ihre im ist mit nach nicht
noch nur oder seit sich sie sind über um und uns unter vom von vor war waren was wie wird wurde
wurden zum zur zwischen sagte laut bereits"""
_RU = """без более был была были было быть вам вас все всех где для его если есть еще же за
из или им их как когда кто ли между мы на над нам нас не него нее нет ни них но об однако он
она они оно от по под после при про раз со так также там то того тоже только том тот уже чем
что чтобы эта эти это этого этой этом этот является заявил заявила сообщил сообщает года году"""
_ES = """con como del desde donde durante entre esta este esto están hay las los más pero por
porque que sobre sus también tras una unos uno fue han sido según ayer"""
_HY = """եւ և որ այն այս էլ էր են է իր նրա նաև համար հետ մեջ կողմից ու թե"""

STOPWORDS: frozenset[str] = frozenset(
    w for block in (_EN, _FR, _DE, _RU, _ES, _HY) for w in block.split()
)
