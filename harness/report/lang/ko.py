"""The Korean table: English text as the report shows it -> Korean, as a Korean course writes it.

Keys are the exact English strings; `{name}` stands for a computed part, translated on its own
when the table has it (an activation, a layer, a phrase), and `{n}`, `{n1}`, ... for a number.
Terms follow the course's glossary (활성화 함수, 기울기 소실, 역전파, 가중치, 은닉층, ...), with the
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
    "{dataset}, {n1} train / {n2} val / {n3} test":
        "{dataset}, 훈련 {n1} / 검증 {n2} / 테스트 {n3}",
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
    "only.": "기록된 학습 에포크가 없습니다: 그림은 초기화 시점(에포크 0)의 네트워크만 보여 줍니다.",
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
        "모이면 붕괴된 것이며, 고르게 퍼져 있으면 건강한 것입니다 (밑바닥부터 시작하는 딥러닝, 6장).",
    "One row per layer (input at the bottom), grey at initialisation, a line at the last logged "
    "epoch; each row scaled to its tallest bar but the two end bins and the bin at 0: a taller "
    "one (ReLU's zeros, exact zeros on a log axis, a saturated sigmoid) is cut at the row's "
    "height and its share written at the right.":
        "층마다 한 행(아래가 입력 쪽), 회색은 초기화 시점, 선은 마지막으로 기록된 에포크입니다. "
        "각 행은 양끝 구간과 0 구간을 뺀 가장 높은 막대에 맞춰 그렸습니다: 그보다 높은 막대(ReLU의 "
        "0, 로그 축의 정확한 0, 포화된 시그모이드)는 행 높이에서 잘리고 그 비율을 오른쪽에 적었습니다.",
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

    # -- decision boundary, neurons --------------------------------------------------------------
    "Decision boundary": "결정 경계",
    "Decision boundary after training: {activation}": "학습 후의 결정 경계: {activation}",
    "The boundary during training": "학습 중의 결정 경계",
    "How the decision boundary forms during training: {activation}":
        "학습 중 결정 경계가 만들어지는 과정: {activation}",
    "The boundary during training, animated": "학습 중의 결정 경계 (애니메이션)",
    "The trained model's output on a grid over the data, as in the TensorFlow Playground.":
        "데이터 위 격자에서 학습된 모델의 출력 (TensorFlow Playground처럼).",
    "The model's output at the logged epochs, from initialisation to the last epoch, with the "
    "training points.":
        "초기화부터 마지막 에포크까지 기록된 에포크마다 모델의 출력과 훈련 데이터 점.",
    "Every logged epoch in turn; the last frame holds longer.":
        "기록된 에포크를 차례로 보여 주며, 마지막 장면은 더 오래 머뭅니다.",
    "Points with white edges are training data, black edges test data.":
        "테두리가 흰 점은 훈련 데이터, 검은 점은 테스트 데이터입니다.",
    "Grey is a coin flip (P(class 1) from 0.4 to 0.6): a model at chance stays grey rather than "
    "flickering between the two colours.":
        "회색은 동전 던지기(P(class 1)이 0.4에서 0.6)입니다: 우연 수준의 모델은 두 색 사이를 "
        "오가지 않고 회색으로 남습니다.",
    "class 0 (orange) / class 1 (blue)": "클래스 0 (주황) / 클래스 1 (파랑)",
    "test (black edge)": "테스트 (검은 테두리)",
    "model's P(class 1); grey: 0.4-0.6, a coin flip; black line: 0.5":
        "모델의 P(class 1); 회색: 0.4-0.6, 동전 던지기; 검은 선: 0.5",
    "no boundary: the model says class 1 everywhere": "경계 없음: 모델이 모든 곳에서 클래스 1이라고 답함",
    "no boundary: the model says class 0 everywhere": "경계 없음: 모델이 모든 곳에서 클래스 0이라고 답함",
    "(P(class 1) between {n1} and {n2})": "(P(class 1)이 {n1}와 {n2} 사이)",
    "What each hidden unit computes over the input plane": "각 은닉 유닛이 입력 평면에서 계산하는 것",
    "Every hidden unit": "모든 은닉 유닛",
    "Each small map is one hidden unit's output over the input plane after training, as in the "
    "TensorFlow Playground: the first layer draws lines, deeper layers combine them into curves.":
        "작은 지도 하나가 학습 후 입력 평면에서 은닉 유닛 하나의 출력입니다 (TensorFlow "
        "Playground처럼): 첫 층은 직선을 긋고, 깊은 층은 그것을 곡선으로 조합합니다.",
    "A map of one flat colour is a unit that does nothing here (dead or saturated everywhere).":
        "한 가지 색뿐인 지도는 여기서 아무 일도 하지 않는 유닛입니다 (모든 곳에서 죽었거나 포화됨).",
    "capped: only the first {n} units of wider layers are drawn":
        "상한: 더 넓은 층은 처음 {n}개 유닛만 그림",
    "columns: hidden layers (input side left); {activation}: orange {range} blue":
        "열: 은닉층 (왼쪽이 입력 쪽); {activation}: 주황 {range} 파랑",

    # -- theory, Jacobians ------------------------------------------------------------------
    "Theory at initialisation": "초기화 시점의 이론",
    "Mean-field theory (lines) against the measured network (points)":
        "평균장 이론(선)과 측정한 네트워크(점)",
    "Lines: the mean-field recursion's prediction for this network at initialisation (Poole et "
    "al. 2016; Schoenholz et al. 2017): sqrt(q_l), the size of each layer's z, and the "
    "gradients' sizes relative to the last hidden layer.":
        "선: 초기화 시점의 이 네트워크에 대한 평균장(mean field) 점화식의 예측 (Poole et al. "
        "2016; Schoenholz et al. 2017): 각 층 z의 크기 sqrt(q_l)와 마지막 은닉층 대비 기울기의 크기.",
    "Points: the same measured (preact_std over the whole training set, the gradients on the "
    "first batch).":
        "점: 같은 값을 측정한 것 (preact_std는 훈련 데이터 전체, 기울기는 첫 배치에서).",
    "Where the points leave the lines, finite width, few inputs or biases depart from the theory.":
        "점이 선에서 벗어나는 곳은 유한한 너비, 적은 입력 수 또는 편향 때문에 이론과 달라지는 곳입니다.",
    "Taken for plain Dense stacks only: not for conv or recurrent layers, nor with batch norm, "
    "skip connections or dropout.":
        "단순한 Dense 층 쌓기에만 적용합니다: 합성곱(conv)이나 순환 층, 배치 정규화, 스킵 연결, "
        "드롭아웃에는 적용하지 않습니다.",
    "Forward: how large z is": "순전파: z의 크기",
    "Backward: how large the gradient is": "역전파: 기울기의 크기",
    "size at initialisation": "초기화 시점의 크기",
    "z's size (theory: sqrt(q_l)), measured": "z의 크기 (이론: sqrt(q_l)), 측정",
    "z's size (theory: sqrt(q_l)), theory": "z의 크기 (이론: sqrt(q_l)), 이론",
    "dL/dW (grad_rms), measured": "dL/dW (grad_rms), 측정",
    "dL/dW (grad_rms), theory": "dL/dW (grad_rms), 이론",
    "dL/dz (preact_grad_rms), measured": "dL/dz (preact_grad_rms), 측정",
    "dL/dz (preact_grad_rms), theory": "dL/dz (preact_grad_rms), 이론",
    "Layer Jacobians during training": "학습 중의 층 야코비안 (Jacobian)",
    "Layer Jacobians at the logged epochs (1: the layer keeps a change's size)":
        "기록된 에포크의 층 야코비안 (1: 층이 변화의 크기를 유지)",
    "The singular values of each hidden layer's input-output Jacobian diag(f'(z)) Wᵀ at the "
    "first {n} training examples, at initialisation and at every logged epoch (Glorot & Bengio "
    "2010): the factors by which the layer stretches a small change of its input, and the "
    "gradient on its way back.":
        "처음 {n}개 훈련 예제에서 각 은닉층의 입력-출력 야코비안 diag(f'(z)) Wᵀ의 특이값을 "
        "초기화 시점과 기록된 모든 에포크에서 구했습니다 (Glorot & Bengio 2010): 층이 입력의 작은 "
        "변화를, 그리고 되돌아가는 기울기를 늘리거나 줄이는 배율입니다.",
    "Near 1 (dashed) the layer keeps a signal's size; below 1 it shrinks it, and the shrinking "
    "compounds over layers (a vanishing gradient); above 1 it grows it.":
        "1(점선) 근처면 층이 신호의 크기를 유지하고, 1보다 작으면 줄이며 그 감소가 층을 거치며 "
        "누적되고(기울기 소실), 1보다 크면 키웁니다.",
    "largest singular value": "가장 큰 특이값",
    "mean singular value": "평균 특이값",
    "singular value of diag(f'(z)) Wᵀ": "diag(f'(z)) Wᵀ의 특이값",

    # -- conv nets --------------------------------------------------------------------------
    "{n1} conv layers x {n2} filters {n3} x {n4}, {n5} x {n6} max-pools after conv {after}, "
    "global average pooling, {init} init, {head} head":
        "합성곱 층 {n1}개 x 필터 {n2}개 {n3} x {n4}, conv {after} 뒤에 {n5} x {n6} 최대 풀링, "
        "전역 평균 풀링, {init} 초기화, {head} 출력층",
    "One test image through the conv layers": "합성곱 층을 지나는 테스트 이미지 하나",
    "A test image through the conv layers, after training": "학습 후 합성곱 층을 지나는 테스트 이미지",
    "The first test image as each conv layer hands it on after training, its first channels side "
    "by side, each map on its own grey scale (its range above it).":
        "학습 후 각 합성곱 층이 다음 층으로 넘기는 첫 번째 테스트 이미지입니다. 앞쪽 채널들을 "
        "나란히 놓았고, 각 맵은 자기 회색 눈금으로 그렸습니다 (위에 값의 범위).",
    "Healthy layers show strokes and edges, coarser after each pool; a map of one flat grey "
    "(range near 0) passes nothing of the image on: saturated or dead channels.":
        "건강한 층은 획과 모서리(edge)를 보여 주고, 풀링을 거칠 때마다 거칠어집니다. 한 가지 "
        "회색뿐인 맵(범위가 0에 가까움)은 이미지를 전혀 전달하지 못합니다: 포화되었거나 죽은 채널입니다.",
    "range {n}": "범위 {n}",
    "input": "입력",
    "First-layer weights as {n1} x {n2} images: the change shows what training wrote":
        "첫 층의 가중치를 {n1} x {n2} 이미지로: 변화량이 학습이 새긴 것을 보여 줌",
    "The first conv layer's {n1} x {n2} filters drawn as images, one pixel per kernel position, "
    "at initialisation and after training (blue positive, red negative): trained filters become "
    "edge and stroke detectors; filters that did not change are a layer the gradient did not "
    "reach.":
        "첫 합성곱 층의 {n1} x {n2} 필터를 커널 위치 하나당 픽셀 하나인 이미지로, 초기화 시점과 "
        "학습 후에 그렸습니다 (파랑은 양수, 빨강은 음수): 학습된 필터는 모서리와 획을 찾는 검출기가 "
        "되고, 변하지 않은 필터는 기울기가 닿지 않은 층입니다.",
    "conv_1's filters": "conv_1의 필터",
    "change": "변화량",
    "change\n(epoch {n}\n- init)": "변화량\n(에포크 {n}\n- 초기화)",
    "weight": "가중치",
    "unit {n}": "유닛 {n}",
    "Saturation stays low (at most {n1} in a hidden layer at epoch {n2}).":
        "포화는 낮게 유지됩니다 (에포크 {n2}에서 은닉층 최대 {n1}).",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: grows "
    "{n3}x, so the signal reaches the deep layers.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}배 커집니다: 신호가 깊은 "
        "층까지 도달합니다.",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: shrinks "
    "{n3}x and the run did not learn: the signal dies on its way through the network.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}배 줄고 학습도 실패했습니다: "
        "신호가 네트워크를 지나며 사라집니다.",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: shrinks "
    "{n3}x, yet the run learned: a narrower spread alone is not a failure.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}배 줄었지만 학습은 "
        "성공했습니다: 퍼짐이 좁아진 것만으로는 실패가 아닙니다.",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: shrinks "
    "{n3}x.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}배 줄어듭니다.",
    "Spread (standard deviation of the outputs) from layer 1 to layer {n1} at epoch {n2}: falls "
    "to 0 in layer {n3} (every output the same) and the run did not learn: the signal dies on its "
    "way through the network.":
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}층에서 0이 되고(모든 "
        "출력이 같음) 학습도 실패했습니다: 신호가 네트워크를 지나며 사라집니다.",
    "Spread: the standard deviation of each layer's outputs.": "퍼짐: 각 층 출력의 표준편차.",
    "Dead units (output 0 for every example of the epoch; no gradient passes through them): {n1} "
    "of hidden units on average at epoch {n2}.":
        "죽은 유닛 (에포크의 모든 예제에서 출력 0, 기울기가 통과하지 못함): 에포크 {n2}에서 은닉 "
        "유닛의 평균 {n1}.",
    "Dead units (output 0 for the whole batch; no gradient passes through them): {n1} of hidden "
    "units on average at epoch {n2}.":
        "죽은 유닛 (배치 전체에서 출력 0, 기울기가 통과하지 못함): 에포크 {n2}에서 은닉 유닛의 "
        "평균 {n1}.",
    "Hidden layers as lines, the head (output layer) apart in grey: a confident {head} head sits "
    "near 0 or 1 by design, which is not a warning sign.":
        "은닉층은 선으로, 출력층(head)은 회색으로 따로 그렸습니다: 확신하는 {head} 출력층은 "
        "원래 0이나 1 근처에 있으므로 경고 신호가 아닙니다.",
    "no mean-field prediction: {reason}": "평균장 예측 없음: {reason}",
    "no layer Jacobians: {reason}": "층 야코비안 없음: {reason}",
    "the recursion does not apply ({reason})": "점화식이 적용되지 않음 ({reason})",
    "layers.csv holds no mean-field prediction (theory_* rows)":
        "layers.csv에 평균장 예측(theory_* 행)이 없음",
    "layers.csv holds no layer Jacobians (jacobian_sv_* rows)":
        "layers.csv에 층 야코비안(jacobian_sv_* 행)이 없음",
    "conv layers share each kernel across positions and pool their maps; this recursion is for "
    "Dense stacks":
        "합성곱 층은 위치마다 같은 커널을 공유하고 맵을 풀링합니다. 이 점화식은 Dense 층 쌓기용입니다",
    "a recurrent layer feeds its own state back at every step; this recursion is for Dense stacks":
        "순환 층은 스텝마다 자기 상태를 되먹임합니다. 이 점화식은 Dense 층 쌓기용입니다",
    "no hidden layer: nothing propagates": "은닉층 없음: 전파될 것이 없음",
    "batch norm rescales every layer's pre-activations to unit variance, so q_l does not follow "
    "from the layer below":
        "배치 정규화가 층마다 활성화 이전 값을 분산 1로 맞추므로 q_l이 아래층에서 이어지지 않음",
    "skip connections add a layer's input to its output, which the plain recursion leaves out":
        "스킵 연결은 층의 입력을 출력에 더하는데, 단순한 점화식은 이를 다루지 않음",
    "dropout zeroes and rescales activations in training, which the recursion leaves out":
        "드롭아웃은 학습 중 활성화 값을 0으로 만들고 크기를 조정하는데, 점화식은 이를 다루지 않음",
    "{label} (log)": "{label} (로그)",

    # -- recurrent nets ------------------------------------------------------------------------
    "Gradient over time": "시간에 따른 기울기",
    "Gradient over time, every logged epoch": "시간에 따른 기울기, 기록된 모든 에포크",
    "{cell}: ||dL/dh_t||, the loss's gradient reaching the state at step t through the whole "
    "recurrence (later steps, the layer above, the head), one line per logged epoch, log scale.":
        "{cell}: ||dL/dh_t||, 손실의 기울기가 전체 순환(뒤쪽 스텝, 위층, 출력층)을 거쳐 스텝 t의 "
        "상태에 도달한 크기입니다. 기록된 에포크마다 선 하나, 로그 눈금.",
    "The head reads the last step (right); a line falling to the left is the gradient vanishing "
    "back through time, and the first steps then learn nothing.":
        "출력층은 마지막 스텝(오른쪽)을 읽습니다. 왼쪽으로 떨어지는 선은 시간을 거슬러 가며 "
        "기울기가 소실되는 것이고, 그러면 앞쪽 스텝은 아무것도 배우지 못합니다.",
    "Gated cells often vanish more at initialisation than a tanh SimpleRNN: what their gates buy "
    "is learned, so compare the initialisation line with the trained ones.":
        "게이트가 있는 셀은 초기화 시점에 tanh SimpleRNN보다 기울기가 더 많이 소실되기도 합니다: "
        "게이트의 이점은 학습으로 얻는 것이므로 초기화 시점의 선과 학습된 선을 비교하세요.",
    "The same norms as a step x epoch map (rows epochs, initialisation at the bottom): a dark left "
    "side is a gradient that never reaches the early steps.":
        "같은 노름을 스텝 x 에포크 지도로 그렸습니다 (행은 에포크, 아래가 초기화 시점): 왼쪽이 "
        "어두우면 기울기가 앞쪽 스텝에 끝내 닿지 못하는 것입니다.",
    "step t (the head reads the last)": "스텝 t (출력층은 마지막 스텝을 읽음)",
    "SimpleRNN ({activation})": "SimpleRNN ({activation})",
    "LSTM (sigmoid gates, tanh state)": "LSTM (sigmoid 게이트, tanh 상태)",
    "GRU (sigmoid gates, tanh candidate)": "GRU (sigmoid 게이트, tanh 후보)",
    "mean absolute error": "평균 절대 오차 (MAE)",
    "root mean squared error": "평균 제곱근 오차 (RMSE)",
    "test MAE": "테스트 MAE",
    "test RMSE": "테스트 RMSE",
    "vanishing ratio (first / last hidden layer): n/a at epoch 0, n/a at epoch {n}":
        "기울기 소실 비율 (첫 은닉층 / 마지막 은닉층): 에포크 0과 에포크 {n}에서 정의되지 않음",
    "n/a": "해당 없음",

    # -- comparisons ---------------------------------------------------------------------------
    "Comparing {n} runs": "학습 {n}개 비교",
    "Runs differ in: {keys}": "학습 간 차이: {keys}",
    "nothing (labelled by folder)": "없음 (폴더 이름으로 표시)",
    "Table": "표",
    "Runs": "학습 목록",
    "report": "보고서",
    "{label}: status {status}.": "{label}: 상태 {status}.",
    "label": "이름",
    "activation": "활성화 함수",
    "depth": "깊이",
    "epochs run": "학습한 에포크",
    "test loss ": "테스트 손실",
    "vanishing ratio init": "기울기 소실 비율 (초기화)",
    "vanishing ratio final": "기울기 소실 비율 (마지막)",
    "saturation final": "포화 (마지막)",
    "dead fraction final": "죽은 유닛 비율 (마지막)",
    "vanishing ratio = grad_rms(hidden_1) / grad_rms(last hidden layer) (the gradient's RMS per "
    "weight, fair across layer sizes); saturation and dead fraction are means over the hidden "
    "layers at the last epoch.":
        "기울기 소실 비율(vanishing ratio) = grad_rms(hidden_1) / grad_rms(마지막 은닉층) (가중치 "
        "하나당 기울기의 RMS로, 크기가 다른 층도 공정하게 비교); 포화와 죽은 유닛 비율은 마지막 "
        "에포크에서 은닉층들의 평균입니다.",
    "Gradient size per layer and epoch": "층별, 에포크별 기울기 크기",
    "Kernel gradient RMS per layer and epoch, one colour scale for all runs":
        "층별, 에포크별 가중치 기울기 RMS, 모든 학습에 같은 색 눈금",
    "Each run's layer x epoch gradient size side by side, on ONE colour scale: the same colour is "
    "the same size in every panel, so a run whose bottom rows are dark gets orders of magnitude "
    "less gradient in its first layers.":
        "각 학습의 층 x 에포크 기울기 크기를 나란히, 하나의 색 눈금으로 그렸습니다: 모든 패널에서 "
        "같은 색은 같은 크기이므로, 아래쪽 행이 어두운 학습은 앞쪽 층에서 기울기를 몇 자릿수나 "
        "적게 받습니다.",
    "Kernel gradient RMS per weight (||dL/dW|| / sqrt(number of weights), fair across layer "
    "sizes) of every layer at initialisation (left) and after the last epoch (right).":
        "초기화 시점(왼쪽)과 마지막 에포크 후(오른쪽) 모든 층의 가중치 하나당 기울기 RMS "
        "(||dL/dW|| / sqrt(가중치 수), 크기가 다른 층도 공정하게 비교).",
    "Lines that climb steeply toward the output are networks whose first layers barely learn.":
        "출력층 쪽으로 가파르게 올라가는 선은 앞쪽 층이 거의 학습하지 못하는 네트워크입니다.",
    "A sigmoid piles its activations at 0 and 1 or at 0.5; its gradients sit decades left of a "
    "ReLU's in the first layer.":
        "시그모이드는 활성화 값을 0과 1 또는 0.5에 쌓고, 첫 층에서 기울기가 ReLU보다 몇 자릿수 "
        "왼쪽에 있습니다.",
    "Activations and weight gradients (on log10|g|) of the first, a middle and the last hidden "
    "layer, at initialisation and at the last logged epoch, every run overlaid.":
        "첫 번째, 가운데, 마지막 은닉층의 활성화 값과 가중치 기울기(log10|g|)를 초기화 시점과 "
        "마지막으로 기록된 에포크에서 모든 학습을 겹쳐 그렸습니다.",
    "Distributions in the first, a middle and the last hidden layer":
        "첫 번째, 가운데, 마지막 은닉층의 분포",
    "Distributions in the first, a middle and the last layer": "첫 번째, 가운데, 마지막 층의 분포",
    "{what}, first hidden layer ({n}), at init": "{what}, 첫 은닉층 ({n}), 초기화 시점",
    "{what}, first hidden layer ({n}), last epoch": "{what}, 첫 은닉층 ({n}), 마지막 에포크",
    "{what}, middle hidden layer ({n}), at init": "{what}, 가운데 은닉층 ({n}), 초기화 시점",
    "{what}, middle hidden layer ({n}), last epoch": "{what}, 가운데 은닉층 ({n}), 마지막 에포크",
    "{what}, last hidden layer ({n}), at init": "{what}, 마지막 은닉층 ({n}), 초기화 시점",
    "{what}, last hidden layer ({n}), last epoch": "{what}, 마지막 은닉층 ({n}), 마지막 에포크",
    "{n} in the left end bin (bar cut)": "{n}가 왼쪽 끝 구간에 있음 (막대 잘림)",
    "{n} in the right end bin (bar cut)": "{n}가 오른쪽 끝 구간에 있음 (막대 잘림)",
    "{n} at 0 (bar cut)": "{n}가 0에 있음 (막대 잘림)",
    "a (symmetric log axis)": "a (대칭 로그 축)",
    "density": "밀도",
    "First and last hidden layer over training": "학습 중 첫 은닉층과 마지막 은닉층",
    "Gradient size of the first and last hidden layer over training":
        "학습 중 첫 은닉층과 마지막 은닉층의 기울기 크기",
    "The kernel gradient RMS per weight (||dL/dW|| / sqrt(number of weights), fair across layer "
    "sizes) of the first hidden layer (left) and of the last one (right) at each epoch, on the "
    "same scale: the vertical gap between the panels is the vanishing ratio.":
        "에포크마다 첫 은닉층(왼쪽)과 마지막 은닉층(오른쪽)의 가중치 하나당 기울기 RMS "
        "(||dL/dW|| / sqrt(가중치 수), 크기가 다른 층도 공정하게 비교)를 같은 눈금으로 그렸습니다: "
        "두 패널 사이의 세로 간격이 기울기 소실 비율입니다.",
    "first hidden layer (hidden_1)": "첫 은닉층 (hidden_1)",
    "last hidden layer (hidden_N)": "마지막 은닉층 (hidden_N)",
    "Update-to-weight ratio per layer": "층별 업데이트 대 가중치 비율",
    "How far each step moves each layer's weights": "한 스텝이 각 층의 가중치를 얼마나 움직이는가",
    "std(ΔW) / std(W) per layer after the first and after the last epoch; 1e-3 (dashed) is a "
    "usual healthy size.":
        "첫 에포크 후와 마지막 에포크 후 층별 std(ΔW) / std(W); 1e-3(점선)이 보통의 건강한 크기입니다.",
    "Adaptive optimizers (Adam, RMSprop) lift small-gradient layers toward it; plain SGD does not.":
        "적응형 옵티마이저(Adam, RMSprop)는 기울기가 작은 층을 그쪽으로 끌어올리지만, 일반 SGD는 "
        "그렇지 않습니다.",
    "update ratio std(ΔW) / std(W)  (log; dashed: 1e-3)": "업데이트 비율 std(ΔW) / std(W)  (로그; 점선: 1e-3)",
    "per layer, mean over each epoch's steps": "층별, 에포크의 스텝들에 대한 평균",
    "after the first epoch": "첫 에포크 후",
    "after the last epoch": "마지막 에포크 후",
    "at initialisation (epoch 0)": "초기화 시점 (에포크 0)",
    "initialisation": "초기화",
    "layer (1 = next to the input; each line ends at its output layer)":
        "층 (1 = 입력 쪽; 각 선은 자기 출력층에서 끝남)",
    "kernel gradient RMS ‖∂L/∂W‖₂/√n (log, shared)": "가중치 기울기 RMS ‖∂L/∂W‖₂/√n (로그, 공통)",
    "Training (top) and validation (bottom) metrics of every run; dotted: chance level (always "
    "guessing the majority class; its loss).":
        "모든 학습의 훈련(위)과 검증(아래) 지표; 점선: 우연 수준 (항상 가장 많은 클래스로 답할 때; "
        "그 손실).",
    "accuracy": "정확도",
    "loss": "손실",
    "validation accuracy": "검증 정확도",
    "validation loss": "검증 손실",
    "chance level": "우연 수준",

    "after training (the last logged epoch)": "학습 후 (마지막으로 기록된 에포크)",
    "at initialisation": "초기화 시점",
    "chance level (dotted, run's colour)": "우연 수준 (점선, 학습의 색)",
    "train mae": "훈련 MAE",
    "validation mae": "검증 MAE",
    "train rmse": "훈련 RMSE",
    "validation rmse": "검증 RMSE",
    "||dL/dh_t|| (last recurrent layer)": "||dL/dh_t|| (마지막 순환 층)",
    "||dL/dh_t|| of each run's last recurrent layer at every step t, through the whole "
    "recurrence, at initialisation (left) and after training (right).":
        "각 학습의 마지막 순환 층에서 스텝 t마다의 ||dL/dh_t||를 전체 순환을 거쳐, 초기화 "
        "시점(왼쪽)과 학습 후(오른쪽)에 그렸습니다.",

    # -- sweeps --------------------------------------------------------------------------------
    "{title}, {kv}": "{title}, {kv}",
    "{kv} ({n} runs)": "{kv} (학습 {n}개)",
    "{kv} ({n} run)": "{kv} (학습 {n}개)",
    "Sweep: {name}": "스윕: {name}",
    "{n1} runs: {grid}; {n2} completed, {n3} not.": "학습 {n1}개: {grid}; 완료 {n2}개, 미완료 {n3}개.",
    "{grid} x seeds {seeds}": "{grid} x 시드 {seeds}",
    "seeds {seeds}": "시드 {seeds}",
    "over": "/ 기본 설정:",
    ", with {kv}": ", 고정: {kv}",
    "{n} runs have no report of their own yet: build one with":
        "학습 {n}개는 아직 자기 보고서가 없습니다. 하나씩 만들려면",
    ", or every one by running the sweep again with": ", 모두 만들려면 스윕을 다시 실행하며",
    "(the trained runs are skipped; ~0.7 s per report).":
        "(학습된 것은 건너뜀; 보고서당 약 0.7초).",
    "Summary over seeds": "시드에 대한 요약",
    "Ratios: geometric mean ×/÷ geometric standard deviation over the seeds of each cell (the mean "
    "of log10, as the figures draw them); other columns: mean ± standard deviation.":
        "비율: 각 칸의 시드에 대한 기하 평균 ×/÷ 기하 표준편차 (그림처럼 log10의 평균); 다른 열: "
        "평균 ± 표준편차.",
    "Vanishing ratio = grad_rms(hidden_1) / grad_rms(last hidden layer), n/a with fewer than 2 "
    "hidden layers.":
        "기울기 소실 비율(vanishing ratio) = grad_rms(hidden_1) / grad_rms(마지막 은닉층), 은닉층이 "
        "2개 미만이면 해당 없음(n/a).",
    "summary.csv holds every column's plain mean and std, and the ratios' geometric ones (_gmean, "
    "_gsd); every run is in runs.csv.":
        "summary.csv에는 모든 열의 평균과 표준편차, 비율의 기하 평균과 기하 표준편차(_gmean, "
        "_gsd)가 있고, 모든 학습은 runs.csv에 있습니다.",
    "Vanishing ratio against depth": "깊이에 따른 기울기 소실 비율",
    "How much gradient reaches the first layer": "첫 층에 도달하는 기울기의 양",
    "depth (hidden layers)": "깊이 (은닉층 수)",
    "vanishing ratio: hidden_1 / hidden_N gradient": "기울기 소실 비율: hidden_1 / hidden_N 기울기",
    "grad_rms(hidden_1) / grad_rms(last hidden layer) for each depth: the geometric mean over "
    "seeds, the band from the lowest to the highest seed.":
        "깊이마다 grad_rms(hidden_1) / grad_rms(마지막 은닉층): 선은 시드에 대한 기하 평균, 띠는 "
        "가장 낮은 시드부터 가장 높은 시드까지.",
    "1 (dotted) means the first layer gets as much gradient as the last; every factor of 10 below "
    "is a decade less.":
        "1(점선)은 첫 층이 마지막 층만큼 기울기를 받는다는 뜻이고, 그 아래로 10배마다 한 자릿수씩 "
        "적습니다.",
    "A line climbing steeply to the right is a network whose first layers get orders of magnitude "
    "less gradient than its last ones.":
        "오른쪽으로 가파르게 올라가는 선은 앞쪽 층이 뒤쪽 층보다 기울기를 몇 자릿수나 적게 받는 "
        "네트워크입니다.",
    "Kernel gradient RMS per weight (||dL/dW|| / sqrt(number of weights), fair across layer "
    "sizes) of each layer (1 = next to the input) at initialisation (left) and after the last "
    "epoch (right): the geometric mean over seeds, the band from the lowest to the highest seed.":
        "초기화 시점(왼쪽)과 마지막 에포크 후(오른쪽) 각 층(1 = 입력 쪽)의 가중치 하나당 기울기 "
        "RMS (||dL/dW|| / sqrt(가중치 수), 크기가 다른 층도 공정하게 비교): 선은 시드에 대한 기하 "
        "평균, 띠는 가장 낮은 시드부터 가장 높은 시드까지.",
    "Training and validation loss and accuracy (or RMSE) per epoch: the mean over seeds, the band "
    "from the lowest to the highest seed.":
        "에포크별 훈련과 검증의 손실과 정확도(또는 RMSE): 선은 시드에 대한 평균, 띠는 가장 낮은 "
        "시드부터 가장 높은 시드까지.",
    "A quantity's two panels share their y axis: training above validation accuracy is "
    "overfitting (training metrics are taken as the model trains, with dropout on and the weight "
    "penalty in the loss).":
        "같은 지표의 두 패널은 y축을 공유합니다: 훈련 정확도가 검증 정확도보다 높으면 과적합"
        "(overfitting)입니다 (훈련 지표는 학습 중에 드롭아웃을 켜고 가중치 벌점을 손실에 넣은 채로 "
        "잽니다).",
    "Activations and weight gradients (log10|g|) of the first, a middle and the last hidden layer "
    "at initialisation and at the last logged epoch, the first seed of each cell overlaid.":
        "첫 번째, 가운데, 마지막 은닉층의 활성화 값과 가중치 기울기(log10|g|)를 초기화 시점과 "
        "마지막으로 기록된 에포크에서, 각 칸의 첫 시드를 겹쳐 그렸습니다.",
    "Dead units and saturation": "죽은 유닛과 포화",
    "Mean over the hidden layers of the share of dead units (output 0 for every example of the "
    "epoch) and of saturated outputs (in the flat tails of sigmoid or tanh), per epoch; epoch 0 "
    "is the network at initialisation.":
        "에포크별로 은닉층들에 대해 평균한 죽은 유닛의 비율(에포크의 모든 예제에서 출력 0)과 포화된 "
        "출력의 비율(sigmoid나 tanh의 평평한 꼬리); 에포크 0은 초기화 시점의 네트워크입니다.",
    "std(ΔW) / std(W) per layer after the first and the last epoch, the first seed of each cell; "
    "1e-3 (dashed) is a usual healthy size.":
        "첫 에포크와 마지막 에포크 후 층별 std(ΔW) / std(W), 각 칸의 첫 시드; 1e-3(점선)이 보통의 "
        "건강한 크기입니다.",
    "line: geometric mean over the group's runs; band: min to max":
        "선: 그룹 학습들의 기하 평균; 띠: 최소에서 최대",
    "line: mean over the group's runs; band: min to max": "선: 그룹 학습들의 평균; 띠: 최소에서 최대",
    "Distributions per layer": "층별 분포",
    "cell figures": "칸의 그림",
    "folder": "폴더",
    "n completed": "완료 수",
    "ratio at end": "마지막 비율",
    "ratio at init": "초기화 비율",
    "run": "학습",
    "saturation": "포화",
    "wall time s": "소요 시간 (초)",
    "dead fraction": "죽은 유닛 비율",
    "test accuracy ": "테스트 정확도",
    "{title}, all runs": "{title}, 모든 학습",
    "cell": "셀 (cell)",
    "||dL/dh_t|| of the last recurrent layer at every step t, through the whole recurrence, at "
    "initialisation (left) and after training (right), the first seed of each cell: a line "
    "falling to the left is the gradient vanishing back through time.":
        "마지막 순환 층에서 스텝 t마다의 ||dL/dh_t||를 전체 순환을 거쳐, 초기화 시점(왼쪽)과 학습 "
        "후(오른쪽)에 각 칸의 첫 시드로 그렸습니다: 왼쪽으로 떨어지는 선은 시간을 거슬러 가며 "
        "기울기가 소실되는 것입니다.",
}
