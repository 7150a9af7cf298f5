"""The Korean table, part 1: one run's page and the figures every run has.

English text as the report shows it -> Korean, as a Korean course writes it. Keys are the
exact English strings; `{word}` stands for a computed part, translated on its own when the table
has it (an activation, a layer, a phrase), `{n}`, `{n1}`, ... for a number, `{kv}` for settings
(`depth=2`), `{name}`, `{path}`, `{error}` for names and messages kept as they are. Terms
follow the course's glossary (활성화 함수, 기울기 소실, 역전파, 가중치, 은닉층, ...), with the
English term or symbol kept beside the Korean one where a student meets it in code or papers
(`grad_rms`, `hidden_1`, ‖∂L/∂W‖₂, dL/dz). A string missing here stays English on a Korean page:
`tests/report/test_korean.py` lists every such string.
"""

KO = {
    # -- the run page ------------------------------------------------------------------------
    "Summary": "요약",
    "Figures": "그림",
    "Resolved config": "최종 설정 (config)",
    "Versions and command": "버전과 명령",
    "{name}: {activation}, depth {depth} ({badge})": "{name}: {activation}, 깊이 {depth} ({badge})",
    "{activation}, depth {depth}": "{activation}, 깊이 {depth}",
    "completed": "완료",
    "diverged": "발산",
    "failed": "실패",
    "interrupted": "중단됨",
    "did not learn (chance level)": "학습 실패 (우연 수준)",
    "no hidden layer": "은닉층 없음",
    "{title}: not drawn: {reason}.": "{title}: 그리지 않음: {reason}.",
    "started": "시작",
    "finished": "종료",
    "command": "명령",
    "status": "상태",
    "model": "모델",
    "data": "데이터",
    "training": "학습",
    "task": "과제",
    "binary": "이진 분류",
    "multiclass": "다중 분류",
    "regression": "회귀",
    "test accuracy": "테스트 정확도",
    "test loss": "테스트 손실",
    "train accuracy": "훈련 정확도",
    "train loss": "훈련 손실",
    "test rmse": "테스트 RMSE",
    "test mae": "테스트 MAE",
    "wall time": "소요 시간",
    "vanishing ratio at init": "초기화 시점의 기울기 소실 비율 (vanishing ratio)",
    "vanishing ratio at epoch {n} (last)": "에포크 {n} (마지막)의 기울기 소실 비율",
    "final model on its training examples, no dropout":
        "최종 모델을 훈련 데이터로 평가 (드롭아웃 없음)",
    "{n1} hidden x {n2} units, {activation}, {init} init, {head} head":
        "은닉층 {n1}개 x 유닛 {n2}개, {activation}, {init} 초기화, {head} 출력층",
    "{optimizer}, learning rate {n1}, batch {n2}, loss {loss}":
        "{optimizer}, 학습률 {n1}, 배치 {n2}, 손실 {loss}",
    "{name}, {n1} train / {n2} val / {n3} test": "{name}, 훈련 {n1} / 검증 {n2} / 테스트 {n3}",
    "hidden_1 gets {n}x less gradient than the last hidden layer":
        "hidden_1은 마지막 은닉층보다 기울기를 {n}배 적게 받음",
    "hidden_1 gets {n}x more gradient than the last hidden layer":
        "hidden_1은 마지막 은닉층보다 기울기를 {n}배 많이 받음",
    "{first} gets {n}x less gradient than the last hidden layer":
        "{first}은(는) 마지막 은닉층보다 기울기를 {n}배 적게 받음",
    "{first} gets {n}x more gradient than the last hidden layer":
        "{first}은(는) 마지막 은닉층보다 기울기를 {n}배 많이 받음",
    "not defined: fewer than 2 hidden layers, or a norm is 0 or NaN":
        "정의되지 않음: 은닉층이 2개 미만이거나 노름이 0 또는 NaN",
    "chance level: {what}": "우연 수준: {what}",
    "accuracy {n1}, loss {n2}": "정확도 {n1}, 손실 {n2}",
    "accuracy {n}": "정확도 {n}",
    "loss {n}": "손실 {n}",
    "The run diverged (a NaN appeared) at {where}.":
        "학습이 {where}에서 발산했습니다 (NaN 발생).",
    "The figures show what was recorded; non-finite values are left out or masked.":
        "그림은 기록된 값만 보여 주며, 유한하지 않은 값은 빼거나 가렸습니다.",
    "The run failed: {error}.": "학습 실패: {error}.",
    "The run was interrupted after {n} epoch(s).": "학습이 {n} 에포크 후에 중단되었습니다.",
    "No summary.json: the run is still going, or was killed before it finished.":
        "summary.json 없음: 학습이 아직 진행 중이거나 끝나기 전에 종료되었습니다.",
    "No training epoch was recorded: the figures show the network at initialisation (epoch 0) "
    "only.": "기록된 학습 에포크가 없습니다: 그림은 초기화 시점(에포크 0)의 네트워크만 보여 "
        "줍니다.",
    "Gradient norms exactly 0 ({counts} values): no gradient passes, as with a step activation.":
        "기울기 노름이 정확히 0 ({counts}개 값): 계단 함수처럼 기울기가 전혀 통과하지 않습니다.",
    "A log scale cannot show 0: they are masked grey in the heatmaps and drawn as triangles on "
    "the bottom edge of the per-layer plot.":
        "로그 축은 0을 나타낼 수 없으므로 히트맵에서는 회색으로 가리고, 층별 그림에서는 아래쪽 "
        "가장자리의 삼각형으로 표시합니다.",
    "Gradient norms NaN or infinite ({counts} values): masked grey.":
        "기울기 노름이 NaN 또는 무한대 ({counts}개 값): 회색으로 가림.",

    # -- words figures share -------------------------------------------------------------------
    "epoch": "에포크 (epoch)",
    "epochs": "에포크",
    "epoch {n}": "에포크 {n}",
    "epoch {n} (last)": "에포크 {n} (마지막)",
    "epoch 0 (at initialisation)": "에포크 0 (초기화 시점)",
    "epoch (0 = at initialisation)": "에포크 (0 = 초기화 시점)",
    "logged epoch": "기록된 에포크",
    "init": "초기화",
    "init (epoch 0)": "초기화 (에포크 0)",
    "train": "훈련",
    "validation": "검증",
    "test": "테스트",
    "output": "출력층",
    "head": "출력층",
    "hidden layer": "은닉층",
    "hidden layer (1 = next to the input), head": "은닉층 (1 = 입력 쪽), 출력층",
    "hidden layer (1 = next to the input), then output": "은닉층 (1 = 입력 쪽), 그다음 출력층",
    "layer (input at the bottom)": "층 (아래가 입력 쪽)",
    "hidden, epoch {n}": "은닉층, 에포크 {n}",
    "hidden, init (epoch 0)": "은닉층, 초기화 (에포크 0)",
    "head ({activation}), epoch {n}": "출력층 ({activation}), 에포크 {n}",
    "head ({activation}), init (epoch 0)": "출력층 ({activation}), 초기화 (에포크 0)",
    "accuracy (fraction correct)": "정확도 (맞힌 비율)",
    "loss ({loss})": "손실 ({loss})",
    "chance ({n})": "우연 수준 ({n})",
    "standard deviation (log)": "표준편차 (로그)",
    "share of outputs": "출력의 비율",
    "share of units": "유닛의 비율",
    "ends {n}": "양끝 {n}",
    "{n1} of {n2}": "{n2}개 중 {n1}개",
    "kernel gradient RMS ‖∂L/∂W‖₂/√n": "가중치 기울기 RMS ‖∂L/∂W‖₂/√n",
    "kernel gradient RMS ‖∂L/∂W‖₂/√n (log)": "가중치 기울기 RMS ‖∂L/∂W‖₂/√n (로그)",
    "pre-activation gradient RMS ‖∂L/∂z‖₂/√n": "활성화 이전 기울기 RMS ‖∂L/∂z‖₂/√n",
    "pre-activation gradient RMS ‖∂L/∂z‖₂/√n (log)": "활성화 이전 기울기 RMS ‖∂L/∂z‖₂/√n (로그)",
    "kernel gradient norm ‖∂L/∂W‖₂ (log)": "가중치 기울기 노름 ‖∂L/∂W‖₂ (로그)",
    "pre-activation gradient norm ‖∂L/∂z‖₂ (log)": "활성화 이전 기울기 노름 ‖∂L/∂z‖₂ (로그)",
    "bias gradient norm ‖∂L/∂b‖₂ (log)": "편향 기울기 노름 ‖∂L/∂b‖₂ (로그)",
    "relative to the last hidden layer (log)": "마지막 은닉층 대비 (로그)",

    # -- gradients -------------------------------------------------------------------------
    "Gradient size per layer": "층별 기울기 크기",
    "Gradient size per layer: {activation}, {n} hidden layers":
        "층별 기울기 크기: {activation}, 은닉층 {n}개",
    "Gradient sizes over training": "학습 중의 기울기 크기",
    "Gradient size per layer over training (dark = little gradient)":
        "학습 중 층별 기울기 크기 (어두울수록 기울기가 작음)",
    "How large the kernel gradient is in each layer at initialisation (dashed) and after the last "
    "epoch (solid), as an RMS per weight (||dL/dW|| / sqrt(number of weights)), so that layers of "
    "different sizes compare fairly.":
        "각 층의 가중치 기울기(kernel gradient)가 초기화 시점(점선)과 마지막 에포크 후(실선)에 "
        "얼마나 큰지를 가중치 하나당 RMS(||dL/dW|| / sqrt(가중치 수))로 나타내어, 크기가 다른 "
        "층도 공정하게 비교합니다.",
    "How large the kernel gradient is in each layer at initialisation (dashed) and after the last "
    "epoch (solid).":
        "각 층의 가중치 기울기(kernel gradient)가 초기화 시점(점선)과 마지막 에포크 후(실선)에 "
        "얼마나 큰지 보여 줍니다.",
    "When gradients vanish, the line climbs steeply from layer 1 to the output: the first layers "
    "barely learn.":
        "기울기 소실(vanishing gradient)이 일어나면 선이 1층에서 출력층으로 가파르게 올라갑니다: "
        "앞쪽 층은 거의 학습하지 못합니다.",
    "A flat line means every layer gets a similar signal.":
        "선이 평평하면 모든 층이 비슷한 크기의 신호를 받는다는 뜻입니다.",
    "Right: the mean slope |f'(z)| of each layer's activation.":
        "오른쪽: 각 층 활성화 함수의 평균 기울기 |f'(z)|.",
    "Backpropagation multiplies the gradient by it once per layer, so a slope below 1 (sigmoid's "
    "is at most 0.25) shrinks the gradient geometrically with depth.":
        "역전파(backpropagation)는 층마다 기울기에 이 값을 한 번씩 곱하므로, 1보다 작은 "
        "기울기(시그모이드는 최대 0.25)는 깊이에 따라 기울기를 기하급수적으로 줄입니다.",
    "This run trains with {optimizer}, which rescales each weight's step by the size of its "
    "recent gradients: small gradients still move the weights, so a vanishing gradient slows "
    "learning much less than it would under plain SGD (see the update-ratio figure).":
        "이 학습은 {optimizer}를 사용합니다. {optimizer}는 가중치마다 최근 기울기의 크기로 "
        "보폭을 조정하므로 작은 기울기도 가중치를 움직입니다: 기울기 소실이 학습을 늦추는 정도가 "
        "일반 SGD보다 훨씬 작습니다 (업데이트 비율 그림 참고).",
    "activation derivative: each layer multiplies": "활성화 함수의 도함수: 층마다 곱해지는 값",
    "the gradient by about this": "기울기에 대략 이만큼 곱해짐",
    "mean |f'(z)| over units and batch": "유닛과 배치에 대한 평균 |f'(z)|",
    "0.25: sigmoid's maximum": "0.25: 시그모이드의 최댓값",
    "1: passes unchanged": "1: 그대로 통과",
    "Gradients are on a log10|g| axis: a row shifted left by 3 gets a thousandth of the gradient.":
        "기울기는 log10|g| 축에 있습니다: 왼쪽으로 3만큼 밀린 행은 기울기를 1000분의 1만 받습니다.",
    "The same sizes at every epoch: rows are layers (input at the bottom), columns epochs.":
        "모든 에포크의 같은 크기: 행은 층(아래가 입력 쪽), 열은 에포크입니다.",
    "A dark band along the bottom rows is a vanishing gradient.":
        "아래쪽 행을 따라 어두운 띠가 보이면 기울기 소실입니다.",
    "Left: dL/dW, what the optimizer applies; right: dL/dz, the signal reaching each layer's "
    "pre-activation.":
        "왼쪽: 옵티마이저가 적용하는 dL/dW, 오른쪽: 각 층의 활성화 이전 값(pre-activation)에 "
        "도달하는 신호 dL/dz.",
    "weight gradient dL/dW": "가중치 기울기 dL/dW",
    "gradient dL/dz": "기울기 dL/dz",
    "vanishing ratio (first / last hidden layer): {n1} at epoch 0, {n2} at epoch {n3}":
        "기울기 소실 비율 (첫 은닉층 / 마지막 은닉층): 에포크 0에서 {n1}, 에포크 {n3}에서 {n2}",

    # -- update ratio ----------------------------------------------------------------------
    "Update-to-weight ratio": "업데이트 대 가중치 비율",
    "How far each step moves the weights: {activation}":
        "한 스텝이 가중치를 얼마나 움직이는가: {activation}",
    "update ratio std(ΔW) / std(W)  (log)": "업데이트 비율 std(ΔW) / std(W)  (로그)",
    "1e-3: a usual healthy size": "1e-3: 보통의 건강한 크기",
    "std(ΔW) / std(W): how far one optimizer step moves each layer's weights, relative to their "
    "size, averaged over each epoch's steps (Karpathy's makemore part 3).":
        "std(ΔW) / std(W): 옵티마이저의 한 스텝이 각 층의 가중치를 그 크기에 비해 얼마나 "
        "움직이는지를 에포크의 스텝들에 대해 평균한 값 (Karpathy의 makemore part 3).",
    "Around 1e-3 (dashed) a layer learns at a healthy pace; far below, it hardly moves; far above, "
    "training is unstable.":
        "1e-3(점선) 근처면 층이 건강한 속도로 학습하고, 훨씬 아래면 거의 움직이지 않으며, "
        "훨씬 위면 학습이 불안정합니다.",
    "epoch {n}: {first}'s steps are about as large as {last}'s ({n1} vs {n2})":
        "에포크 {n}: {first}의 스텝이 {last}의 스텝과 비슷한 크기 ({n1} vs {n2})",
    "epoch {n}: {first}'s steps are {n1}x smaller than {last}'s ({n2} vs {n3})":
        "에포크 {n}: {first}의 스텝이 {last}보다 {n1}배 작음 ({n2} vs {n3})",
    "epoch {n}: {first}'s steps are {n1}x larger than {last}'s ({n2} vs {n3})":
        "에포크 {n}: {first}의 스텝이 {last}보다 {n1}배 큼 ({n2} vs {n3})",

    # -- distributions ---------------------------------------------------------------------
    "Distributions per layer": "층별 분포",
    "Distributions per layer: {activation} (grey: epoch 0, line: epoch {n})":
        "층별 분포: {activation} (회색: 에포크 0, 선: 에포크 {n})",
    "pre-activations z": "활성화 이전 값 z (pre-activation)",
    "activations a = f(z)": "활성화 값 a = f(z)",
    "z (symmetric log axis)": "z (대칭 로그 축)",
    "Activations piled at the ends of a sigmoid's 0..1 range are saturated; all at 0.5, "
    "collapsed; spread out, healthy (Deep Learning from Scratch, ch. 6).":
        "시그모이드의 0..1 범위 양끝에 쌓인 활성화 값은 포화(saturation)된 것이고, 모두 0.5에 "
        "모이면 붕괴된 것이며, 고르게 퍼져 있으면 건강한 것입니다 (밑바닥부터 시작하는 딥러닝, "
        "6장).",
    "One row per layer (input at the bottom), grey at initialisation, a line at the last logged "
    "epoch; each row scaled to its tallest bar but the two end bins and the bin at 0: a taller "
    "one (ReLU's zeros, exact zeros on a log axis, a saturated sigmoid) is cut at the row's "
    "height and its share written at the right.":
        "층마다 한 행(아래가 입력 쪽), 회색은 초기화 시점, 선은 마지막으로 기록된 에포크입니다. "
        "각 행은 양끝 구간과 0 구간을 뺀 가장 높은 막대에 맞춰 그렸습니다: 그보다 높은 막대(ReLU의 "
        "0, 로그 축의 정확한 0, 포화된 시그모이드)는 행 높이에서 잘리고 그 비율을 오른쪽에 "
        "적었습니다.",
    "Pre-activations, and an unbounded activation's outputs (ReLU), are on a symmetric log axis "
    "(linear within 1e-4, decades beyond; each column one range), so that epoch 0's small values "
    "and a trained network's large ones both show.":
        "활성화 이전 값과 범위가 없는 활성화 함수(ReLU)의 출력은 대칭 로그 축(1e-4 안쪽은 선형, "
        "그 바깥은 10배 단위, 열마다 하나의 범위)에 그려, 에포크 0의 작은 값과 학습된 "
        "네트워크의 큰 값을 함께 보여 줍니다.",

    # -- activation statistics -----------------------------------------------------------------
    "Activation statistics per layer": "층별 활성화 통계",
    "Activation statistics per layer: {activation}, {n} hidden layers (the head apart, in grey)":
        "층별 활성화 통계: {activation}, 은닉층 {n}개 (출력층은 회색으로 따로)",
    "saturation (flat tails of sigmoid/tanh)": "포화 (sigmoid/tanh의 평평한 꼬리)",
    "dead units (output 0 for every example of the epoch)":
        "죽은 유닛 (에포크의 모든 예제에서 출력 0)",
    "spread of the layer's outputs": "층 출력의 퍼짐",
    "Hidden layers as lines, the head (output layer) apart in grey: a confident sigmoid head sits "
    "near 0 or 1 by design, which is not a warning sign.":
        "은닉층은 선으로, 출력층(head)은 회색으로 따로 그렸습니다: 확신하는 시그모이드 출력층은 "
        "원래 0이나 1 근처에 있으므로 경고 신호가 아닙니다.",
    "Saturation: at epoch {n1}, layer {n2} has {n3} of its outputs in the flat tails, where the "
    "derivative is near 0 and little gradient passes.":
        "포화: 에포크 {n1}에서 {n2}층 출력의 {n3}가 평평한 꼬리에 있습니다. 그곳에서는 도함수가 "
        "0에 가까워 기울기가 거의 통과하지 못합니다.",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: within "
    "a factor of 2, so the signal reaches the deep layers.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 2배 이내입니다: 신호가 깊은 "
        "층까지 도달합니다.",

    # -- learning curves -----------------------------------------------------------------------
    "Learning curves": "학습 곡선",
    "Learning curves: {activation}": "학습 곡선: {activation}",
    "Training (solid) and validation (dashed) metrics after each epoch.":
        "각 에포크 후의 훈련(실선)과 검증(점선) 지표.",
    "Dotted: chance level: {what}.": "점선: 우연 수준: {what}.",

    "The figures show what was recorded; non-finite values are left out or masked":
        "그림은 기록된 값만 보여 주며, 유한하지 않은 값은 빼거나 가렸습니다",
    "epoch {n1}, step {n2}": "에포크 {n1}, 스텝 {n2}",
    "diverged (epoch {n})": "발산 (에포크 {n})",
    "{name}, {n} samples": "{name}, 샘플 {n}개",
    "at epoch {n1}, step {n2}": "에포크 {n1}, 스텝 {n2}에서",
    "This run trains with {optimizer}, which rescales each weight's step by the size of its "
    "recent gradients: small gradients still move the weights, so a vanishing gradient slows "
    "learning much less than it would under plain SGD.":
        "이 학습은 {optimizer}를 사용합니다. {optimizer}는 가중치마다 최근 기울기의 크기로 "
        "보폭을 조정하므로 작은 기울기도 가중치를 움직입니다: 기울기 소실이 학습을 늦추는 정도가 "
        "일반 SGD보다 훨씬 작습니다.",
    "Gradient norm per layer: {activation}, {n} hidden layers":
        "층별 기울기 노름: {activation}, 은닉층 {n}개",
    "kernel gradient ‖∂L/∂W‖₂": "가중치 기울기 ‖∂L/∂W‖₂",
    "pre-activation gradient ‖∂L/∂z‖₂": "활성화 이전 기울기 ‖∂L/∂z‖₂",
    "grey = masked ({what}; a log scale cannot show them)":
        "회색 = 가림 ({what}; 로그 눈금은 이 값을 나타낼 수 없음)",
    "{n1} exactly 0, {n2} NaN/inf": "정확히 0인 값 {n1}개, NaN/inf {n2}개",
    "{n} exactly 0": "정확히 0인 값 {n}개",
    "{n} NaN/inf": "NaN/inf {n}개",
    "exactly 0 (cannot sit on a log axis)": "정확히 0 (로그 축에 놓을 수 없음)",
    "layers.csv has no `update_ratio` rows (recorded by newer runs, after at least one epoch)":
        "layers.csv에 `update_ratio` 행이 없음 (최신 버전의 학습이 한 에포크 이상 지나면 기록)",
    "no histograms.csv (recorded by newer runs)": "histograms.csv 없음 (최신 버전의 학습이 기록)",
    "at 0 {n}": "0에 {n}",
    "dead units (output 0 for the whole batch)": "죽은 유닛 (배치 전체에서 출력 0)",
    "vanishing ratio (first / last hidden layer): {n1} at epoch 0, n/a at epoch {n2}":
        "기울기 소실 비율 (첫 은닉층 / 마지막 은닉층): 에포크 0에서 {n1}, 에포크 {n2}에서 정의되지 "
        "않음",
    "optimizer": "옵티마이저",
    # -- the dL/dz factor panel, the time ratio, the histograms and conv captions -------------
    "(the weights' gain x the slopes)": "(가중치의 이득 x 활성화 함수의 도함수)",
    "{n}: sigmoid's largest slope": "{n}: 시그모이드 도함수의 최댓값",
    "Dotted grey: the mean slope |f'(z)| alone ({n} at initialisation), which is not the factor: "
    "the weights multiply the gradient too (He's initialisation doubles it for ReLU's half-zero "
    "slopes).":
        "회색 점선: 도함수의 평균 |f'(z)|만 그린 것(초기화 때 {n})으로, 층마다 곱해지는 배율은 "
        "아닙니다. 가중치도 기울기에 곱해지기 때문입니다(He 초기화는 절반이 0인 ReLU의 도함수를 "
        "메우려고 가중치 분산을 두 배로 합니다).",
    "Dotted grey: the mean slope |f'(z)| alone, which is not the factor: the weights multiply the "
    "gradient too (He's initialisation doubles it for ReLU's half-zero slopes).":
        "회색 점선: 도함수의 평균 |f'(z)|만 그린 것으로, 층마다 곱해지는 배율은 아닙니다. 가중치도 "
        "기울기에 곱해지기 때문입니다(He 초기화는 절반이 0인 ReLU의 도함수를 메우려고 가중치 "
        "분산을 두 배로 합니다).",
    "Right: what each hidden layer multiplies dL/dz by on its way down, measured as the RMS of "
    "dL/dz in the layer over that in the layer above: the weights' gain times the activation's "
    "slopes (the weight gradient dL/dW = a_(l-1)ᵀ dL/dz also scales with the layer's input a, so "
    "the left panel need not follow it).":
        "오른쪽: 역전파로 내려가며 각 은닉층이 dL/dz에 곱하는 배율입니다. "
        "그 층의 dL/dz RMS를 바로 위 층의 것으로 나눠 측정했고, "
        "가중치의 이득과 활성화 함수 도함수의 곱에 해당합니다(가중치 기울기 "
        "dL/dW = a_(l-1)ᵀ dL/dz는 층의 입력 a에도 비례하므로 "
        "왼쪽 그림이 이를 그대로 따르지는 않습니다).",
    "Right: what each hidden layer multiplies dL/dz by on its way down, measured as the RMS of "
    "dL/dz in the layer over that in the layer above: the weights' gain times the activation's "
    "slopes (the weight gradient dL/dW = a_(l-1)ᵀ dL/dz also scales with the layer's input a, so "
    "the left panel need not follow it); at epoch {n1} its geometric mean over {n2} layers is "
    "{n3}: dL/dz {trend} on its way down, layer after layer.":
        "오른쪽: 역전파로 내려가며 각 은닉층이 dL/dz에 곱하는 배율입니다. "
        "그 층의 dL/dz RMS를 바로 위 층의 것으로 나눠 측정했고, "
        "가중치의 이득과 활성화 함수 도함수의 곱에 해당합니다(가중치 기울기 "
        "dL/dW = a_(l-1)ᵀ dL/dz는 층의 입력 a에도 비례하므로 "
        "왼쪽 그림이 이를 그대로 따르지는 않습니다). 에포크 {n1}에서 층 "
        "{n2}개에 걸친 기하 평균은 {n3}입니다: dL/dz는 층을 하나씩 "
        "내려갈 때마다 {trend}.",
    "shrinks": "줄어듭니다",
    "grows": "커집니다",
    "keeps its size": "크기를 유지합니다",
    "Solid grey, where the mean-field theory applies: its factor sqrt(chi) at initialisation.":
        "회색 실선(평균장 이론이 적용되는 경우): 초기화 때 이론이 예측하는 배율 sqrt(chi).",
    "dL/dz's RMS: this layer / the one above": "dL/dz의 RMS: 이 층 / 바로 위 층",
    "dL/dz's factor per layer on its way down, measured": "역전파 때 층마다 dL/dz에 곱해지는 배율 "
        "(측정값)",
    "mean slope |f'(z)| alone, epoch {n}": "도함수의 평균 |f'(z)|만, 에포크 {n}",
    "factor, epoch {n} (at initialisation)": "배율, 에포크 {n} (초기화)",
    "factor, epoch {n} (last)": "배율, 에포크 {n} (마지막)",
    "{first} gets {n}x less gradient than {last}": "{first}은(는) {last}보다 기울기를 {n}배 적게 "
        "받음",
    "{first} gets {n}x more gradient than {last}": "{first}은(는) {last}보다 기울기를 {n}배 많이 "
        "받음",
    "One row per layer (input at the bottom), grey at initialisation, a line at the last logged "
    "epoch; each row scaled to its tallest bar but the two end bins and the bin at 0: a taller one "
    "is cut at the row's height and its share written at the right: 'saturated' for a bounded "
    "activation's two outermost bins (sigmoid's 0 and 1, tanh's -1 and 1), 'at 0' for ReLU's "
    "zeros, '0:' for gradients exactly 0 (or below 1e-12, the log axis' first bin).":
        "층마다 한 행(입력 쪽이 맨 아래)이며, 회색은 초기화 때, 선은 마지막으로 기록한 "
        "에포크입니다. 각 행은 양 끝 구간과 0 구간을 뺀 가장 높은 막대에 맞춰 그렸고, 그보다 높은 "
        "막대는 행 높이에서 잘린 채 그 비율을 오른쪽에 적었습니다: 'saturated'(포화)는 유계 활성화 "
        "함수의 가장 바깥 두 구간(시그모이드의 0과 1, tanh의 -1과 1), 'at 0'은 ReLU의 0, '0:'은 "
        "기울기가 정확히 0인 값(또는 로그 축의 첫 구간인 1e-12 미만)입니다.",
    "Pre-activations, and an unbounded activation's outputs (ReLU), are on a symmetric log axis "
    "(linear within 1e-4, decades beyond; each column one range), so that epoch 0's small values "
    "and a trained network's large ones both show; a bounded activation's row in such a column "
    "(the head's output sharing it) is drawn as its density on that axis.":
        "활성화 이전 값(pre-activation)과 유계가 아닌 활성화 함수(ReLU)의 출력은 대칭 로그 "
        "축(1e-4 안쪽은 선형, 바깥은 10배 단위; "
        "열마다 범위 하나)에 그려, 에포크 0의 작은 값과 학습된 "
        "신경망의 큰 값이 모두 보이게 했습니다. 이런 "
        "열에 놓인 유계 활성화 함수의 행(같은 열을 쓰는 "
        "출력층의 출력)은 그 축 위의 밀도로 그렸습니다.",
    "Gradients are on a log10|g| axis: a row shifted left by 3 gets a thousandth of the gradient. "
    "{layers}: a 2 x 2 max-pool follows, which passes the gradient to the largest of each four "
    "positions only, so about {n1} of their dL/dz is exactly 0 ('0: {n2} (max-pool)'): the "
    "pool's zeros, not dead units.":
        "기울기는 log10|g| 축에 그렸습니다: 왼쪽으로 3만큼 옮겨 간 행은 기울기를 천분의 일만 "
        "받습니다. {layers}: 뒤에 2 x 2 최대 풀링(max-pool)이 있어 네 위치 중 가장 큰 곳에만 "
        "기울기를 넘기므로, dL/dz의 약 {n1}가 정확히 0입니다('0: {n2} (max-pool)'): 죽은 유닛이 "
        "아니라 풀링이 만든 0입니다.",
    "vanishing ratio = grad_rms(hidden_1) / grad_rms(last hidden layer) (the gradient's RMS per "
    "weight, fair across layer sizes); saturation and dead fraction are means over the hidden "
    "layers at the last epoch; time ratio = ||dL/dh_1|| / ||dL/dh_T|| of a recurrent run's last "
    "recurrent layer, at initialisation and at the last logged epoch.":
        "기울기 소실 비율(vanishing ratio) = grad_rms(hidden_1) / grad_rms(마지막 은닉층) (가중치 "
        "하나당 기울기의 RMS라 층 크기가 달라도 공정함); 포화 비율과 죽은 유닛 비율은 마지막 "
        "에포크의 은닉층 평균; 시간 비율(time ratio) = 순환 신경망의 마지막 순환층에서 "
        "||dL/dh_1|| / ||dL/dh_T||, 초기화 때와 마지막으로 기록한 에포크에서.",
    "steered": "조종 횟수(steered)",
    "time ratio at init": "시간 비율(time ratio), 초기화 때",
    "time ratio at the last logged epoch": "시간 비율, 마지막 기록 에포크",
    "time ratio init": "시간 비율 (초기화)",
    "time ratio final": "시간 비율 (마지막)",
    "{what}: step 1 gets {n}x less gradient than the last step":
        "{what}: 스텝 1은 마지막 스텝보다 기울기를 {n}배 적게 받음",
    "{what}: step 1 gets {n}x more gradient than the last step":
        "{what}: 스텝 1은 마지막 스텝보다 기울기를 {n}배 많이 받음",
    "||dL/dh_1|| / ||dL/dh_T|| of {layer}, the last recurrent layer":
        "마지막 순환층 {layer}의 ||dL/dh_1|| / ||dL/dh_T||",
    "The time ratio (time_ratio_init, time_ratio_final in summary.json) is the last recurrent "
    "layer's ({layer}) h line, first step over last: {n1} at initialisation, {n2} at epoch {n3}.":
        "시간 비율(time ratio; summary.json의 time_ratio_init, time_ratio_final)은 마지막 "
        "순환층({layer})의 h 선에서 첫 스텝 값을 마지막 스텝 값으로 나눈 것입니다: 초기화 때 {n1}, "
        "에포크 {n3}에서 {n2}.",
    "{n1} {cell} layer x {n2} units, {init} init, {head} head":
        "{cell} 층 {n1}개 x 유닛 {n2}개, {init} 초기화, {head} 출력층",
    "{n1} {cell} layers x {n2} units, {init} init, {head} head":
        "{cell} 층 {n1}개 x 유닛 {n2}개, {init} 초기화, {head} 출력층",
    "The first conv layer's {n1} x {n2} filters drawn as images, one pixel per kernel position, at "
    "initialisation and after training (blue positive, red negative), and below them the change "
    "between the two, magnified on a scale of its own (its factor at the left): trained filters "
    "become edge and stroke detectors; filters that hardly changed are a layer the gradient did "
    "not reach.":
        "첫 번째 합성곱 층의 {n1} x {n2} 필터를 "
        "커널 위치 하나당 픽셀 하나로, 초기화 때와 학습 후에 "
        "그렸습니다(파랑은 양수, 빨강은 음수). 그 아래는 둘의 차이를 따로 확대한 것입니다(배율은 "
        "왼쪽). 학습된 필터는 가장자리와 획을 찾는 검출기가 되고, 거의 변하지 않은 필터는 기울기가 "
        "닿지 않은 층입니다.",
    "Here the largest change is {n} of the largest weight (they hardly moved).":
        "여기서 가장 큰 변화는 가장 큰 가중치의 {n}입니다(거의 움직이지 않았습니다).",
    "Here the largest change is {n} of the largest weight.":
        "여기서 가장 큰 변화는 가장 큰 가중치의 {n}입니다.",
    "The first test image as each conv layer hands it on after training, its first channels side "
    "by side, every conv layer on one grey scale ({n1} black to {n2} white), so that a map with "
    "little contrast looks flat.":
        "학습 후 각 합성곱 층이 다음 층으로 넘기는 첫 번째 테스트 이미지로, 앞쪽 채널을 나란히 "
        "그렸습니다. 모든 합성곱 층이 회색 눈금 하나({n1} 검정 ~ {n2} 흰색)를 쓰므로, 대비가 작은 "
        "맵은 평평하게 보입니다.",
    "Each row's range is that of its maps' interior, the pixels no zero padding reached: padding "
    "makes the pixels near the border differ from the rest (the light or dark frames), one pixel "
    "further in at each layer. {layers}: the padding reaches every pixel, so no range is given.":
        "각 행의 범위는 맵 안쪽, 곧 제로 패딩(zero padding)이 닿지 않은 픽셀의 범위입니다: 패딩 "
        "때문에 가장자리 근처 픽셀은 나머지와 달라지며(밝거나 어두운 테두리), 층마다 한 픽셀씩 더 "
        "안쪽까지 번집니다. {layers}: 패딩이 모든 픽셀에 닿아 범위를 적지 않았습니다.",
    "Each row's range is that of its maps' interior, the pixels no zero padding reached: padding "
    "makes the pixels near the border differ from the rest (the light or dark frames), one pixel "
    "further in at each layer.":
        "각 행의 범위는 맵 안쪽, 곧 제로 패딩(zero padding)이 닿지 않은 픽셀의 범위입니다: 패딩 "
        "때문에 가장자리 근처 픽셀은 나머지와 달라지며(밝거나 어두운 테두리), 층마다 한 픽셀씩 더 "
        "안쪽까지 번집니다.",
    "Here no layer is flat: each keeps at least {n} of the scale's contrast, strokes and edges, "
    "coarser after each pool.":
        "여기서는 평평한 층이 없습니다: 모든 층이 회색 눈금 대비의 {n} 이상을 유지하며, 획과 "
        "가장자리는 풀링을 거칠 때마다 거칠어집니다.",
    "Flat grey here (interior range below {n} of the scale): {names}: these layers pass almost "
    "nothing of the image on (saturated or dead channels).":
        "여기서 평평한 회색(안쪽 범위가 눈금의 {n} 미만): {names}: 이 층들은 이미지를 거의 넘기지 "
        "못합니다(포화되었거나 죽은 채널).",
    "A map of one flat colour is a unit that does nothing on this plane (dead or saturated "
    "everywhere).":
        "한 가지 색으로 평평한 맵은 이 평면에서 아무 일도 하지 않는 유닛입니다(어디서나 죽었거나 "
        "포화됨).",
    "Here the mean singular value is {n1} per layer at initialisation, and dL/dz's measured "
    "factor per layer {n2} (grad_norms.png, right): the signal shrinks layer by layer, and the "
    "weight gradient with it (ratio {n3}).":
        "여기서는 초기화 때 층당 평균 특이값이 {n1}이고, 측정한 층당 dL/dz 배율은 "
        "{n2}입니다(grad_norms.png 오른쪽): 신호가 층마다 줄어들고, 가중치 기울기도 함께 "
        "줄어듭니다(비율 {n3}).",
    "Here the mean singular value is {n1} per layer at initialisation, and dL/dz's measured "
    "factor per layer {n2} (grad_norms.png, right): the signal shrinks layer by layer.":
        "여기서는 초기화 때 층당 평균 특이값이 {n1}이고, 측정한 층당 dL/dz 배율은 "
        "{n2}입니다(grad_norms.png 오른쪽): 신호가 층마다 줄어듭니다.",
    "Here the mean singular value is {n1} per layer at initialisation, and dL/dz's measured "
    "factor per layer {n2} (grad_norms.png, right).":
        "여기서는 초기화 때 층당 평균 특이값이 {n1}이고, 측정한 층당 dL/dz 배율은 "
        "{n2}입니다(grad_norms.png 오른쪽).",
    "theory at init: sqrt(chi)": "초기화 때 이론값: sqrt(chi)",
}
