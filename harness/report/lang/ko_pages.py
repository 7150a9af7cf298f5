"""The Korean table, part 3: the comparison's and the sweep's pages and figures.

Keys and placeholders as in part 1 (`harness.report.lang.ko_run`).
"""

KO = {
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
        "첫 에포크 후와 마지막 에포크 후 층별 std(ΔW) / std(W); 1e-3(점선)이 보통의 건강한 "
        "크기입니다.",
    "Adaptive optimizers (Adam, RMSprop) lift small-gradient layers toward it; plain SGD does not.":
        "적응형 옵티마이저(Adam, RMSprop)는 기울기가 작은 층을 그쪽으로 끌어올리지만, 일반 SGD는 "
        "그렇지 않습니다.",
    "update ratio std(ΔW) / std(W)  (log; dashed: 1e-3)": "업데이트 비율 std(ΔW) / std(W)  (로그; "
        "점선: 1e-3)",
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
    "{n1} runs: {grid}; {n2} completed, {n3} not.": "학습 {n1}개: {grid}; 완료 {n2}개, 미완료 "
        "{n3}개.",
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
        "기울기 소실 비율(vanishing ratio) = grad_rms(hidden_1) / grad_rms(마지막 은닉층), "
        "은닉층이 "
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
        "에포크별로 은닉층들에 대해 평균한 죽은 유닛의 비율(에포크의 모든 예제에서 출력 0)과 "
        "포화된 "
        "출력의 비율(sigmoid나 tanh의 평평한 꼬리); 에포크 0은 초기화 시점의 네트워크입니다.",
    "std(ΔW) / std(W) per layer after the first and the last epoch, the first seed of each cell; "
    "1e-3 (dashed) is a usual healthy size.":
        "첫 에포크와 마지막 에포크 후 층별 std(ΔW) / std(W), 각 칸의 첫 시드; 1e-3(점선)이 보통의 "
        "건강한 크기입니다.",
    "line: geometric mean over the group's runs; band: min to max":
        "선: 그룹 학습들의 기하 평균; 띠: 최소에서 최대",
    "line: mean over the group's runs; band: min to max": "선: 그룹 학습들의 평균; 띠: 최소에서 "
        "최대",
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
    "seed": "시드",
    # -- a run and a sweep in a notebook -------------------------------------------------------
    "Run {path}": "학습 {path}",
    "Sweep {name}: {n} runs in {path}": "스윕 {name}: {path}의 학습 {n}개",
    "trained now {n1}, failed {n2}; report: {path}":
        "이번에 학습 {n1}개, 실패 {n2}개; 보고서: {path}",
}
