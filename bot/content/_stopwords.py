"""Stopwords per language: function words and chat filler that carry no topic."""

from __future__ import annotations

_EN = """
a about all am an and any are aren as at be because been being between both but by can cannot
could couldn did didn do does doesn doing don during each few for from had hadn has hasn have
haven having he her here hers herself him himself his how i if in into is isn it its itself
just let me more most mustn my myself no nor not now of on only or other ought our ours
ourselves own same shan she should shouldn so some such than that the their theirs them
themselves then there these they this those through to too until very was wasn we were weren
what when where which while who whom why will with won would wouldn you your yours yourself
yourselves whether s t d ll m re ve y o u ur r im ive id dont cant wont isnt didnt doesnt
thats whats hey hi hello please thanks thank ok okay yeah yes yo pls plz tell know like really
also want wanna gonna gotta ever even still much many one ones something anything thing things
way lot lots actually just kind sort bro guys man
"""

_FR = """
a à au aux avec ce ces cet cette c ça ca d dans de des du elle elles en et eux il ils je j l la
le les leur leurs lui m ma mais me même meme mes moi mon n ne ni nos notre nous on ou où ont
par pas pour qu que qui s sa se ses si son sur t ta te tes toi ton tu un une vos votre vous y
été ete être etre est es suis sont sommes êtes etes était etait étaient etaient avoir ai as
avons avez avait avaient eu fait faire comme quoi quel quelle quels quelles comment pourquoi
quand combien dont lequel laquelle est-ce ceci cela celà celui celle ceux tout tous toute
toutes très tres bien aussi alors donc or car plus moins peu beaucoup vraiment bonjour salut
merci svp stp oui non ok dis dites savoir sais sait veux voudrais peux peut chose choses y-a-t-
il ya là la-bas
"""

_DE = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
auch auf aus bei bin bis bist da damit dann das dass daß dein deine deinem deinen deiner dem
den denn der des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch
ein eine einem einen einer eines er es etwas euch euer eure für fuer hab habe haben hat hatte
hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist ja jede
jedem jeden jeder jedes jetzt kann kannst kein keine können koennen könnte muss musste mein
meine mich mir mit nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so
solche soll sollte sondern sonst über ueber um und uns unser unter viel vom von vor war waren
warst was weg weil weiter welche welcher welches wenn wer werde werden wie wieder will wir wird
wirklich wo wollen wurde wurden zu zum zur zwar zwischen gibt gab gab's hallo hi danke bitte ok
okay mal eigentlich warum wieso weshalb wann womit woher wohin denen man kann's gibts sag sagen
erzähl erzähle wissen weiß weiss
"""

_RU = """
а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы где да даже
для до его ее её ей ему если есть еще ещё же за здесь и из или им их к как какая какие какой
когда кто ли либо между меня мне много может можно мой моя мы на над надо наш не него нее неё
нет ни них но ну о об однако он она они оно от очень по под при с со так также такой там те тем
то того тоже той только том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я
вообще правда реально привет здравствуйте спасибо пожалуйста ок ладно расскажи скажи знаешь
знать хочу почему зачем сколько каково какова каким каких ли разве будто вроде типа че чё
дела делишки
"""

_TR = """
acaba ama ancak artık aslında az bana bazı belki ben beni benim beri bile bir biraz biri birkaç
birşey biz bize bizi bizim bu buna bunda bundan bunu bunun burada çok çünkü da daha de değil
diye en gibi hem hep hepsi her hiç için ile ise işte kadar ki kim kime kimi mi mı mu mü nasıl
ne neden nerede nereye niçin niye o olan olarak oldu olduğu olsun on ona ondan onlar onları
onların onu onun öyle sana sen senin siz şey şu şunu ve veya ya yani yok zaten merhaba selam
teşekkürler tesekkurler lütfen lutfen tamam evet hayır hayir acaba gerçekten gercekten nasil
neler nedir var mı mi mu mü misin mısın musun müsün miydi mıydı mıdır midir bi bişey bisey
"""

_AR = """
في من على الى إلى عن مع هذا هذه ذلك تلك هو هي هم هن انا أنا انت أنت نحن انتم هل ما ماذا لماذا
كيف متى اين أين كم لم لن لا ان أن إن كان كانت كانوا يكون قد ثم او أو و ف ب ل ك التي الذي الذين
كل بعض اي أي غير بين عند لدى حتى اذا إذا لكن بل ايضا أيضا جدا فقط هناك هنا يا مرحبا السلام
عليكم شكرا من فضلك لو الا إلا عليه عليها فيه فيها منه منها له لها لهم به بها وهل وما وكيف اريد
أريد ممكن احكي قل قولي اخبرني أخبرني شو ليش وين ايش إيش يعني
"""

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN.split()),
    "fr": frozenset(_FR.split()),
    "de": frozenset(_DE.split()),
    "ru": frozenset(_RU.split()),
    "tr": frozenset(_TR.split()),
    "ar": frozenset(_AR.split()),
}
