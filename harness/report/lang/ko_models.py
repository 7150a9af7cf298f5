"""The Korean table, part 2: the figures of some runs (toy data's boundary, Dense
stacks' theory, conv and recurrent nets).

Keys and placeholders as in part 1 (`harness.report.lang.ko_run`).
"""

KO = {
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
    "no boundary: the model says class 1 everywhere": "경계 없음: 모델이 모든 곳에서 클래스 "
        "1이라고 답함",
    "no boundary: the model says class 0 everywhere": "경계 없음: 모델이 모든 곳에서 클래스 "
        "0이라고 답함",
    "(P(class 1) between {n1} and {n2})": "(P(class 1)이 {n1}와 {n2} 사이)",
    "What each hidden unit computes over the input plane": "각 은닉 유닛이 입력 평면에서 계산하는 "
        "것",
    "Every hidden unit": "모든 은닉 유닛",
    "Each small map is one hidden unit's output over the input plane after training, as in the "
    "TensorFlow Playground: the first layer draws lines, deeper layers combine them into curves.":
        "작은 지도 하나가 학습 후 입력 평면에서 은닉 유닛 하나의 출력입니다 (TensorFlow "
        "Playground처럼): 첫 층은 직선을 긋고, 깊은 층은 그것을 곡선으로 조합합니다.",
    "A map of one flat colour is a unit that does nothing here (dead or saturated everywhere).":
        "한 가지 색뿐인 지도는 여기서 아무 일도 하지 않는 유닛입니다 (모든 곳에서 죽었거나 "
        "포화됨).",
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
        "2016; Schoenholz et al. 2017): 각 층 z의 크기 sqrt(q_l)와 마지막 은닉층 대비 기울기의 "
        "크기.",
    "Points: the same measured (preact_std over the whole training set, the gradients on the "
    "first batch).":
        "점: 같은 값을 측정한 것 (preact_std는 훈련 데이터 전체, 기울기는 첫 배치에서).",
    "Where the points leave the lines, finite width, few inputs or biases depart from the theory.":
        "점이 선에서 벗어나는 곳은 유한한 너비, 적은 입력 수 또는 편향 때문에 이론과 달라지는 "
        "곳입니다.",
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
    "A test image through the conv layers, after training": "학습 후 합성곱 층을 지나는 테스트 "
        "이미지",
    "The first test image as each conv layer hands it on after training, its first channels side "
    "by side, each map on its own grey scale (its range above it).":
        "학습 후 각 합성곱 층이 다음 층으로 넘기는 첫 번째 테스트 이미지입니다. 앞쪽 채널들을 "
        "나란히 놓았고, 각 맵은 자기 회색 눈금으로 그렸습니다 (위에 값의 범위).",
    "Healthy layers show strokes and edges, coarser after each pool; a map of one flat grey "
    "(range near 0) passes nothing of the image on: saturated or dead channels.":
        "건강한 층은 획과 모서리(edge)를 보여 주고, 풀링을 거칠 때마다 거칠어집니다. 한 가지 "
        "회색뿐인 맵(범위가 0에 가까움)은 이미지를 전혀 전달하지 못합니다: 포화되었거나 죽은 "
        "채널입니다.",
    "range {n}": "범위 {n}",
    "input": "입력",
    "First-layer weights as {n1} x {n2} images: the change shows what training wrote":
        "첫 층의 가중치를 {n1} x {n2} 이미지로: 변화량이 학습이 새긴 것을 보여 줌",
    "The first conv layer's {n1} x {n2} filters drawn as images, one pixel per kernel position, "
    "at initialisation and after training (blue positive, red negative): trained filters become "
    "edge and stroke detectors; filters that did not change are a layer the gradient did not "
    "reach.":
        "첫 합성곱 층의 {n1} x {n2} 필터를 커널 위치 하나당 픽셀 하나인 이미지로, 초기화 시점과 "
        "학습 후에 그렸습니다 (파랑은 양수, 빨강은 음수): 학습된 필터는 모서리와 획을 찾는 "
        "검출기가 "
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
        "에포크 {n2}에서 1층부터 {n1}층까지 출력의 퍼짐(표준편차)이 {n3}배 줄고 학습도 "
        "실패했습니다: "
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
        "합성곱 층은 위치마다 같은 커널을 공유하고 맵을 풀링합니다. 이 점화식은 Dense 층 "
        "쌓기용입니다",
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

    "Fitted function": "학습한 함수",
    "Fitted function after training: {activation}": "학습 후의 함수: {activation}",
    "How the fitted function forms during training: {activation}":
        "학습 중 함수가 만들어지는 과정: {activation}",
    "1-D input: the curves over epochs are in the figure above":
        "1차원 입력: 에포크별 곡선은 위 그림에 있음",
    "{n} classes; fainter = less sure": "클래스 {n}개; 흐릴수록 덜 확신",
    "columns: hidden layers (input side left); orange < 0 < blue, one scale per column":
        "열: 은닉층 (왼쪽이 입력 쪽); 주황 < 0 < 파랑, 열마다 눈금 하나",
    "test points": "테스트 데이터",
    "train points": "훈련 데이터",
    "surface.csv has no epoch column (recorded before it existed); the boundary after training "
    "is shown above":
        "surface.csv에 epoch 열이 없음 (그 열이 생기기 전에 기록됨); 학습 후의 경계는 위에 있음",
    "surface.csv holds no finite predictions (the model output NaN)":
        "surface.csv에 유한한 예측이 없음 (모델 출력이 NaN)",
    "surface.csv holds one epoch only": "surface.csv에 에포크가 하나뿐임",
    "surface.csv holds one epoch only ({n})": "surface.csv에 에포크가 하나뿐임 ({n})",
    "surface.csv has no predictions": "surface.csv에 예측이 없음",
    "no neurons.csv (recorded for 2-D toy data by newer runs)":
        "neurons.csv 없음 (최신 버전의 학습이 2차원 토이 데이터에서 기록)",
    "||dL/dc_t|| (LSTM cell state)": "||dL/dc_t|| (LSTM 셀 상태)",
}
